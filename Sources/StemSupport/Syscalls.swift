// The POSIX calls StemSupport makes, in one place (after swift-system's
// `Internals/Syscalls.swift`): the only file of the package that imports the C library
// directly. Each wrapper is a thin, `@inline(__always)` call; the types above it speak Swift.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("StemSupport needs a POSIX C library")
#endif

// MARK: errno

/// The calling thread's `errno`.
internal var system_errno: Int32 {
    @inline(__always) get { errno }
}

/// `strerror(code)`: the system's text for an error number.
internal func system_strerror(_ code: Int32) -> String {
    String(cString: strerror(code))
}

internal let system_EINTR: Int32 = EINTR
internal let system_EEXIST: Int32 = EEXIST
internal let system_ENOENT: Int32 = ENOENT
internal let system_ESRCH: Int32 = ESRCH
internal let system_EPERM: Int32 = EPERM

// MARK: Files

/// `open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)`: a new file, never an existing one.
@inline(__always)
internal func system_createExclusive(_ path: String, mode: UInt32 = 0o644) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
}

/// `open(path, O_RDONLY | O_CLOEXEC)`.
@inline(__always)
internal func system_openReadOnly(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}

/// `open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode)`: the file, created if missing.
@inline(__always)
internal func system_openCreating(_ path: String, mode: UInt32 = 0o644) -> Int32 {
    open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(mode))
}

/// `open(path, O_WRONLY | O_CLOEXEC [| O_APPEND])`: an existing file, device or FIFO, not
/// created, not truncated (opening a FIFO waits for a reader, as a shell's `>` does).
@inline(__always)
internal func system_openWriteOnly(_ path: String, append: Bool) -> Int32 {
    open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : 0))
}

/// `access(path, W_OK) == 0`.
@inline(__always)
internal func system_isWritable(_ path: String) -> Bool {
    access(path, W_OK) == 0
}

/// `realpath(path)`: the absolute path without symbolic links, `.` or `..`; nil if some
/// component does not exist.
internal func system_realpath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// `readlink(path)`: the text of a symbolic link; nil if `path` is not one.
internal func system_readlink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4097)
    let n = readlink(path, &buffer, buffer.count - 1)
    guard n >= 0 else { return nil }
    buffer[n] = 0
    return String(cString: buffer)
}

/// `link(old, new)`: a second name for a file.
@inline(__always)
internal func system_link(_ old: String, _ new: String) -> Int32 {
    link(old, new)
}

/// The current working folder (`getcwd`); nil if it cannot be named.
internal func system_currentFolder() -> String? {
    guard let folder = getcwd(nil, 0) else { return nil }
    defer { free(folder) }
    return String(cString: folder)
}

/// Whether process `pid` exists (`kill(pid, 0)` succeeds or fails only for permission).
internal func system_processExists(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid, 0) == 0 || errno == EPERM
}

/// `kill(-group, signal)`: signals every process of a process group; whether any was found.
@discardableResult
internal func system_signalGroup(_ group: Int32, _ signal: Int32) -> Bool {
    guard group > 1 else { return false }
    return kill(-group, signal) == 0
}

/// `kill(pid, signal)`; whether it was sent.
@discardableResult
internal func system_signalProcess(_ pid: Int32, _ signal: Int32) -> Bool {
    guard pid > 1 else { return false }
    return kill(pid, signal) == 0
}

/// Whether a process group still has members (`kill(-group, 0)`).
internal func system_groupExists(_ group: Int32) -> Bool {
    guard group > 1 else { return false }
    return kill(-group, 0) == 0 || errno == EPERM
}

/// The seconds since the epoch now.
internal func system_now() -> Int {
    Int(time(nil))
}

/// `usleep(microseconds)`.
internal func system_sleep(microseconds: UInt32) {
    _ = usleep(microseconds)
}

@inline(__always)
internal func system_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}

@inline(__always)
internal func system_write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

@inline(__always)
internal func system_fsync(_ fd: Int32) -> Int32 {
    fsync(fd)
}

@inline(__always)
internal func system_close(_ fd: Int32) -> Int32 {
    close(fd)
}

@inline(__always)
internal func system_rename(_ old: String, _ new: String) -> Int32 {
    rename(old, new)
}

@inline(__always)
internal func system_unlink(_ path: String) -> Int32 {
    unlink(path)
}

@inline(__always)
internal func system_rmdir(_ path: String) -> Int32 {
    rmdir(path)
}

@inline(__always)
internal func system_getpid() -> Int32 {
    getpid()
}

// MARK: File status

/// What a path or descriptor names, as far as StemSupport cares.
internal struct system_FileStatus {
    var isDirectory: Bool
    var isRegular: Bool
    var isSymbolicLink: Bool
    var isCharacterDevice: Bool
    var isFIFO: Bool
    var size: Int
    var device: UInt64
    var inode: UInt64
    /// The last modification, in seconds since the epoch.
    var modified: Int

    init(_ info: stat) {
        isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        isRegular = (info.st_mode & S_IFMT) == S_IFREG
        isSymbolicLink = (info.st_mode & S_IFMT) == S_IFLNK
        isCharacterDevice = (info.st_mode & S_IFMT) == S_IFCHR
        isFIFO = (info.st_mode & S_IFMT) == S_IFIFO
        #if canImport(Darwin)
        modified = Int(info.st_mtimespec.tv_sec)
        #else
        modified = Int(info.st_mtim.tv_sec)
        #endif
        size = Int(info.st_size)
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// `stat(path)`, following symbolic links; nil if it fails.
internal func system_stat(_ path: String) -> system_FileStatus? {
    var info = stat()
    return stat(path, &info) == 0 ? system_FileStatus(info) : nil
}

/// `lstat(path)`, not following symbolic links; nil if it fails.
internal func system_lstat(_ path: String) -> system_FileStatus? {
    var info = stat()
    return lstat(path, &info) == 0 ? system_FileStatus(info) : nil
}

/// `fstat(fd)`; nil if it fails.
internal func system_fstat(_ fd: Int32) -> system_FileStatus? {
    var info = stat()
    return fstat(fd, &info) == 0 ? system_FileStatus(info) : nil
}

/// The names in a folder (without `.` and `..`); nil if it cannot be opened.
internal func system_folderEntries(_ path: String) -> [String]? {
    guard let folder = opendir(path) else { return nil }
    defer { closedir(folder) }
    var names: [String] = []
    while let entry = readdir(folder) {
        let name = withUnsafePointer(to: &entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                String(cString: $0)
            }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

// MARK: Locks

/// `flock(fd, LOCK_EX)` or, if `wait` is false, `flock(fd, LOCK_EX | LOCK_NB)`.
@inline(__always)
internal func system_flockExclusive(_ fd: Int32, wait: Bool) -> Int32 {
    flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB)
}

// MARK: Standard error and the terminal

/// The descriptor of standard error.
internal let system_standardError: Int32 = 2

/// `isatty(fd) == 1`.
@inline(__always)
internal func system_isatty(_ fd: Int32) -> Bool {
    isatty(fd) == 1
}

/// The width in columns of the terminal `fd` is (`ioctl(TIOCGWINSZ)`), nil if unknown.
internal func system_terminalColumns(_ fd: Int32) -> Int? {
    var size = winsize()
    guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
}

// MARK: Signals

internal let system_SIGINT: Int32 = SIGINT
internal let system_SIGTERM: Int32 = SIGTERM
internal let system_SIGHUP: Int32 = SIGHUP
internal let system_SIGPIPE: Int32 = SIGPIPE
internal let system_SIGKILL: Int32 = SIGKILL

/// A pipe whose two ends are closed on `exec`; nil if it cannot be made.
internal func system_pipe() -> (read: Int32, write: Int32)? {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return nil }
    _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
    return (ends[0], ends[1])
}

/// Whether the action of `signal` is to ignore it (`SIG_IGN`).
internal func system_signalIsIgnored(_ signal: Int32) -> Bool {
    var previous = sigaction()
    sigaction(signal, nil, &previous)
    #if canImport(Darwin)
    return unsafeBitCast(previous.__sigaction_u.__sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    #else
    return unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    #endif
}

/// Sets the action of `signal` to `handler` (`SA_RESTART`, nothing else masked), or to the
/// default action if `handler` is nil.
internal func system_setSignalHandler(_ signal: Int32, _ handler: (@convention(c) (Int32) -> Void)?) {
    var action = sigaction()
    #if canImport(Darwin)
    action.__sigaction_u.__sa_handler = handler ?? SIG_DFL
    #else
    action.__sigaction_handler.sa_handler = handler ?? SIG_DFL
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    sigaction(signal, &action, nil)
}

/// Unblocks `signals` in the calling thread (`pthread_sigmask(SIG_UNBLOCK)`).
internal func system_unblockSignals(_ signals: [Int32]) {
    var unblock = sigset_t()
    sigemptyset(&unblock)
    for signal in signals { sigaddset(&unblock, signal) }
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
}

/// `raise(signal)`.
@inline(__always)
internal func system_raise(_ signal: Int32) {
    _ = raise(signal)
}

/// `_exit(code)`: ends the process at once, without `atexit` handlers.
internal func system_exitImmediately(_ code: Int32) -> Never {
    _exit(code)
}

/// The write end of the pipe ``system_forwardSignal(_:)`` writes to.
nonisolated(unsafe) internal var system_signalPipe: Int32 = -1

/// A signal handler that only writes the signal's number (one byte) into
/// ``system_signalPipe``, keeping `errno`: all a handler may safely do.
internal func system_forwardSignal(_ signal: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(system_signalPipe, &byte, 1)
    errno = saved
}

/// `pause()`: sleeps until a signal is delivered.
@inline(__always)
internal func system_pause() {
    _ = pause()
}

/// A handler that does nothing: a signal caught with it interrupts nothing and, unlike
/// `SIG_IGN`, reverts to its default action in programs this process starts (`exec`).
internal func system_ignoreSignal(_ signal: Int32) {}
