import StemSupport

/// A streaming IEEE 1364 value change dump (VCD) writer.
///
/// Declare every signal first, then stage values with `set` and write them with
/// `commit(at:)`, one call per time stamp, times strictly increasing; finish with
/// `finish(endTime:)`. The file is written to a temporary name beside `path` and renamed
/// into place by `finish`; if the writer is cancelled, throws, or is dropped unfinished,
/// nothing is left at `path`.
///
/// The output is deterministic: the same calls give the same bytes. The first commit writes
/// the header (`$date`, `$version`, `$timescale`, the scopes in order of first declaration,
/// `$enddefinitions`) and a `$dumpvars` block with every signal's value (`x` for signals not
/// set yet); every later commit writes `#time` and only the signals whose value changed, and
/// nothing at all when none did. Vectors are written as `b<bits> <id>` with leading zeros
/// dropped (IEEE 1364 extends a value whose leftmost bit is 0 or 1 with zeros), so a negative
/// value of a signed signal is written as its full-width two's complement; one-bit signals as
/// `0<id>` / `1<id>` / `x<id>`. Identifier codes are the shortest base-94 codes in
/// declaration order (`!`, `"`, ...). Names are escaped as `VCDNames` describes.
public final class VCDWriter {
    /// A declared signal.
    public struct Signal: Hashable, Sendable {
        /// Position in declaration order.
        public let index: Int
    }

    /// The file that appears when the writer finishes.
    public var path: String { file.path }
    public let timescale: VCDTimescale

    let file: AtomicFileWriter
    private let headerText: String
    private var declarations: [Declaration] = []
    private var fullNames: [String: Int] = [:]
    private var current: [UInt64] = []
    private var currentKnown: [Bool] = []
    private var staged: [UInt64] = []
    private var stagedKnown: [Bool] = []
    private var isStaged: [Bool] = []
    private var stagedOrder: [Int] = []
    private var lastCommit: UInt64?
    private var lastWritten: UInt64?
    private var headerWritten = false
    private var completed = false

    private struct Declaration {
        let scope: [String]
        let name: String
        let width: Int
        let isSigned: Bool
        let identifier: String
        var fullName: String { (scope + [name]).joined(separator: ".") }
    }

    /// Starts a VCD file at `path`.
    ///
    /// - Parameters:
    ///   - date: the text of `$date`; by default a fixed text, so that equal runs give equal
    ///     files.
    ///   - version: the text of `$version`.
    ///   - comment: an optional `$comment` section.
    public init(path: String, timescale: VCDTimescale = .oneNanosecond, date: String? = nil,
                version: String = "stem-cosim StemTrace", comment: String? = nil) throws {
        self.timescale = timescale
        var header = ""
        for (keyword, text) in [("$date", date ?? "not recorded (equal runs give equal files)"),
                                ("$version", version)] + (comment.map { [("$comment", $0)] } ?? []) {
            try VCDWriter.checkSectionText(text, keyword: keyword)
            header += "\(keyword)\n\t\(text)\n$end\n"
        }
        header += "$timescale \(timescale) $end\n"
        headerText = header
        file = try AtomicFileWriter.traceOutput(path: path)
    }

    /// Declares a signal of `width` bits (1...64) named `name` inside the scope path `scope`
    /// (outermost first, at least one level). `isSigned` only decides which values `set`
    /// accepts (and how the viewer files show it); VCD itself stores bits.
    @discardableResult
    public func declare(scope: [String], name: String, width: Int, isSigned: Bool = false) throws -> Signal {
        guard !headerWritten else {
            throw TraceError.outOfOrder("\(path): signal \(name) declared after the first time stamp was written")
        }
        guard !scope.isEmpty else {
            throw TraceError.invalidArgument(what: "scope of signal \(name)", value: "[]",
                                             allowed: "at least one scope name")
        }
        guard (1...64).contains(width) else {
            throw TraceError.invalidArgument(what: "width of signal \((scope + [name]).joined(separator: "."))",
                                             value: "\(width)", allowed: "1...64 bits")
        }
        let declaration = Declaration(scope: scope.map(VCDNames.escapedScope), name: VCDNames.escaped(name),
                                      width: width, isSigned: isSigned,
                                      identifier: VCDNames.identifier(for: declarations.count))
        let fullName = declaration.fullName
        if let other = fullNames[fullName] {
            let original = (scope + [name]).joined(separator: ".")
            throw TraceError.invalidArgument(
                what: "signal \(original)", value: "written as \(fullName)",
                allowed: "a name not already used (signal #\(other) has the same escaped name)")
        }
        fullNames[fullName] = declarations.count
        declarations.append(declaration)
        current.append(0)
        currentKnown.append(false)
        staged.append(0)
        stagedKnown.append(false)
        isStaged.append(false)
        return Signal(index: declarations.count - 1)
    }

    /// The dotted full name of a signal as it appears in the file (escaped scopes and name,
    /// without a bit range): what `VCDReader` and Surfer call it.
    public func fullName(of signal: Signal) -> String {
        declarations[signal.index].fullName
    }

    /// The width of a declared signal.
    public func width(of signal: Signal) -> Int {
        declarations[signal.index].width
    }

    /// Whether a declared signal was declared signed.
    public func isSigned(_ signal: Signal) -> Bool {
        declarations[signal.index].isSigned
    }

    /// Stages `value` for the next commit. A signed signal of width `w` takes
    /// `-2^(w-1) ... 2^(w-1)-1` (written as `w`-bit two's complement), an unsigned one
    /// `0 ... 2^w-1`; anything else is an error naming the signal.
    public func set(_ signal: Signal, to value: Int64) throws {
        let declaration = declarations[signal.index]
        let width = declaration.width
        if declaration.isSigned {
            if width < 64 {
                let limit = Int64(1) << (width - 1)
                guard value >= -limit, value < limit else {
                    throw TraceError.invalidArgument(
                        what: "value of signal \(declaration.fullName)", value: "\(value)",
                        allowed: "\(-limit)...\(limit - 1) (\(width)-bit signed)")
                }
            }
        } else {
            guard value >= 0, width >= 63 || value < Int64(1) << width else {
                let top = width >= 63 ? "\(Int64.max)" : "\((Int64(1) << width) - 1)"
                throw TraceError.invalidArgument(what: "value of signal \(declaration.fullName)",
                                                 value: "\(value)",
                                                 allowed: "0...\(top) (\(width)-bit unsigned)")
            }
        }
        stage(signal.index, bits: UInt64(bitPattern: value) & VCDWriter.mask(width), known: true)
    }

    /// Stages a bit (`true` = 1) for the next commit.
    public func set(_ signal: Signal, bit: Bool) throws {
        try set(signal, to: bit ? 1 : 0)
    }

    /// Stages `x` (unknown) for the next commit.
    public func setUnknown(_ signal: Signal) {
        stage(signal.index, bits: 0, known: false)
    }

    private func stage(_ index: Int, bits: UInt64, known: Bool) {
        precondition(!completed, "VCDWriter used after finish")
        staged[index] = bits
        stagedKnown[index] = known
        if !isStaged[index] {
            isStaged[index] = true
            stagedOrder.append(index)
        }
    }

    /// Writes the staged values as the values at `time` (strictly after the previous commit).
    /// The first commit writes the header and the `$dumpvars` block.
    public func commit(at time: UInt64) throws {
        precondition(!completed, "VCDWriter used after finish")
        if let last = lastCommit, time <= last {
            throw TraceError.outOfOrder("\(path): time \(time) is not after the previous time stamp \(last)")
        }
        lastCommit = time
        if !headerWritten {
            for index in stagedOrder {
                current[index] = staged[index]
                currentKnown[index] = stagedKnown[index]
            }
            clearStaged()
            try writeHeader()
            var text = "#\(time)\n$dumpvars\n"
            for index in declarations.indices {
                appendChange(index, to: &text)
            }
            text += "$end\n"
            try traceIO { () throws(OutputFileError) in try file.write(text) }
            lastWritten = time
            return
        }
        var text = ""
        for index in stagedOrder where staged[index] != current[index] || stagedKnown[index] != currentKnown[index] {
            if text.isEmpty { text = "#\(time)\n" }
            current[index] = staged[index]
            currentKnown[index] = stagedKnown[index]
            appendChange(index, to: &text)
        }
        clearStaged()
        if !text.isEmpty {
            try traceIO { () throws(OutputFileError) in try file.write(text) }
            lastWritten = time
        }
    }

    /// Completes the file: writes a last time stamp `endTime` with no changes (when given and
    /// after the last commit; it gives the last values a visible width in a viewer), then
    /// syncs and renames the file into place.
    public func finish(endTime: UInt64? = nil) throws {
        try complete(endTime: endTime)
        try traceIO { () throws(OutputFileError) in try file.commit() }
    }

    /// Deletes the unfinished file.
    public func cancel() {
        completed = true
        file.discard()
    }

    /// Everything `finish` does except the rename (for writers that commit several files at
    /// once).
    func complete(endTime: UInt64?) throws {
        precondition(!completed, "VCDWriter finished twice")
        do {
            if !headerWritten { try writeHeader() }
            if let endTime {
                if let last = lastCommit, endTime <= last {
                    throw TraceError.outOfOrder("\(path): end time \(endTime) is not after the last time stamp \(last)")
                }
                try traceIO { () throws(OutputFileError) in try file.write("#\(endTime)\n") }
            }
            completed = true
            try traceIO { () throws(OutputFileError) in try file.close() }
        } catch {
            completed = true
            file.discard()
            throw error
        }
    }

    private func clearStaged() {
        for index in stagedOrder { isStaged[index] = false }
        stagedOrder.removeAll(keepingCapacity: true)
    }

    private func writeHeader() throws {
        headerWritten = true
        var text = headerText
        // The scope tree, children in order of first declaration.
        final class Node {
            let name: String
            var children: [(scope: Node?, variable: Int?)] = []
            var scopes: [String: Node] = [:]
            init(name: String) { self.name = name }
        }
        let root = Node(name: "")
        for (index, declaration) in declarations.enumerated() {
            var node = root
            for component in declaration.scope {
                if let next = node.scopes[component] {
                    node = next
                } else {
                    let next = Node(name: component)
                    node.scopes[component] = next
                    node.children.append((next, nil))
                    node = next
                }
            }
            node.children.append((nil, index))
        }
        func emit(_ node: Node) {
            for child in node.children {
                if let scope = child.scope {
                    text += "$scope module \(scope.name) $end\n"
                    emit(scope)
                    text += "$upscope $end\n"
                } else if let index = child.variable {
                    let declaration = declarations[index]
                    let range = declaration.width > 1 ? " [\(declaration.width - 1):0]" : ""
                    text += "$var wire \(declaration.width) \(declaration.identifier) \(declaration.name)\(range) $end\n"
                }
            }
        }
        emit(root)
        text += "$enddefinitions $end\n"
        try traceIO { () throws(OutputFileError) in try file.write(text) }
    }

    private func appendChange(_ index: Int, to text: inout String) {
        let declaration = declarations[index]
        if declaration.width == 1 {
            text += currentKnown[index] ? (current[index] & 1 == 1 ? "1" : "0") : "x"
            text += declaration.identifier
            text += "\n"
            return
        }
        text += "b"
        if currentKnown[index] {
            text += VCDWriter.binary(current[index])
        } else {
            text += "x"
        }
        text += " "
        text += declaration.identifier
        text += "\n"
    }

    /// `bits` in binary without leading zeros ("0" for zero).
    static func binary(_ bits: UInt64) -> String {
        if bits == 0 { return "0" }
        let count = 64 - bits.leadingZeroBitCount
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: count)
        for position in 0..<count where bits >> UInt64(position) & 1 == 1 {
            digits[count - 1 - position] = UInt8(ascii: "1")
        }
        return String(decoding: digits, as: UTF8.self)
    }

    static func mask(_ width: Int) -> UInt64 {
        width >= 64 ? UInt64.max : (UInt64(1) << UInt64(width)) - 1
    }

    private static func checkSectionText(_ text: String, keyword: String) throws {
        if text.contains("$end") {
            throw TraceError.invalidArgument(what: "text of \(keyword)", value: "\"\(text)\"",
                                             allowed: "any text without \"$end\"")
        }
    }
}
