import Foundation

/// Reads a VCD file (IEEE 1364 four-state VCD, as Verilator, GTKWave's `fst2vcd` and
/// `VCDWriter` write it) and answers questions about it: the scopes and variables with their
/// widths, the time stamps, and the value of a variable at a time.
///
/// What is checked (anything else is rejected with the file, the line and the reason):
/// - the header: `$date`, `$version`, `$comment`, `$timescale` (1/10/100 s...fs),
///   `$scope <type> <name>`, `$upscope`, `$var <type> <width> <id> <name> [range]`
///   (width a positive integer; a `[msb:lsb]` range must span exactly `width` bits),
///   GTKWave's `$attrbegin`; every section closed by `$end`, scopes balanced,
///   `$enddefinitions` present; one identifier code shared by several variables (an alias)
///   must have one width;
/// - the body: `#<time>` with decimal times that never decrease; `$dumpvars`, `$dumpall`,
///   `$dumpon`, `$dumpoff` blocks closed by `$end`; `$comment`; scalar changes `0 1 x z`
///   followed by the code, vector changes `b<0 1 x z...> <code>` no wider than the variable,
///   `r<real> <code>`, `s<text> <code>`; every code declared.
/// Changes before the first time stamp count as time 0.
public struct VCDReader: Sendable {
    /// The file read (or the name given for text).
    public let path: String
    /// The text of `$date` / `$version` (tokens joined by single spaces).
    public let date: String?
    public let version: String?
    /// The texts of the header's `$comment` sections.
    public let comments: [String]
    public let timescale: VCDTimescale?
    /// The dotted full names of every scope, in order of declaration.
    public let scopes: [String]
    /// Every variable, in order of declaration.
    public let variables: [VCDVariable]
    /// Every time stamp, increasing, each once.
    public let times: [UInt64]

    private let slotOfVariable: [Int]
    private let changesBySlot: [[VCDChange]]
    private let variableByName: [String: Int]

    /// The first time stamp.
    public var firstTime: UInt64? { times.first }
    /// The last time stamp.
    public var lastTime: UInt64? { times.last }

    /// Reads and checks the VCD file at `path`.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable" : "no such file"
            throw TraceError.io(path: path, operation: "read", reason: reason)
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Reads and checks VCD text; `path` names it in errors.
    public init(text: String, path: String = "<text>") throws {
        try self.init(bytes: Array(text.utf8), path: path)
    }

    /// Reads and checks VCD bytes; `path` names them in errors.
    public init(bytes: [UInt8], path: String) throws {
        var parser = Parser(bytes: bytes, path: path)
        try parser.parse()
        self.path = path
        date = parser.date
        version = parser.version
        comments = parser.comments
        timescale = parser.timescale
        scopes = parser.scopes
        variables = parser.variables
        times = parser.times
        slotOfVariable = parser.slotOfVariable
        changesBySlot = parser.changes
        var byName: [String: Int] = [:]
        for (index, variable) in parser.variables.enumerated() where byName[variable.fullName] == nil {
            byName[variable.fullName] = index
        }
        variableByName = byName
    }

    /// The variable with this dotted full name; a trailing bit range (`a.b.V[15:0]`, as
    /// GTKWave names vectors) is accepted too.
    public func variable(named name: String) -> VCDVariable? {
        index(of: name).map { variables[$0] }
    }

    /// Every change of a variable, in time order (`nil`: no such variable).
    public func changes(of name: String) -> [VCDChange]? {
        index(of: name).map { changesBySlot[slotOfVariable[$0]] }
    }

    /// The value of a variable at `time`: its last change at or before `time` (`nil`: no such
    /// variable, or no change yet).
    public func value(of name: String, at time: UInt64) -> VCDValue? {
        guard let changes = changes(of: name) else { return nil }
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : changes[low - 1].value
    }

    private func index(of name: String) -> Int? {
        if let index = variableByName[name] { return index }
        if name.hasSuffix("]"), let open = name.lastIndex(of: "["),
           let index = variableByName[String(name[..<open])],
           let range = variables[index].range ?? (variables[index].width > 1 ? "[\(variables[index].width - 1):0]" : nil),
           range == String(name[open...]) {
            return index
        }
        return nil
    }
}

/// The tokenizer and parser behind `VCDReader`.
private struct Parser {
    let bytes: [UInt8]
    let path: String
    var position = 0
    var line = 1
    /// The line of the last token read (where an unexpected end of file is reported).
    var lastTokenLine = 1

    var date: String?
    var version: String?
    var comments: [String] = []
    var timescale: VCDTimescale?
    var scopes: [String] = []
    var variables: [VCDVariable] = []
    var slotOfVariable: [Int] = []
    var changes: [[VCDChange]] = []
    var slotWidths: [Int] = []
    var slotIsReal: [Bool] = []
    var slotByIdentifier: [String: Int] = [:]
    var times: [UInt64] = []

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    struct Token {
        let start: Int
        let end: Int
        let line: Int
    }

    func text(_ token: Token) -> String {
        String(decoding: bytes[token.start..<token.end], as: UTF8.self)
    }

    func equals(_ token: Token, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard token.end - token.start == count else { return false }
        return literal.withUTF8Buffer { buffer in
            for k in 0..<count where bytes[token.start + k] != buffer[k] { return false }
            return true
        }
    }

    func error(_ reason: String, line: Int? = nil) -> TraceError {
        .malformedVCD(path: path, line: line ?? self.line, reason: reason)
    }

    mutating func next() -> Token? {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\n") {
                line += 1
            } else if !(byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                        || byte == 0x0B || byte == 0x0C) {
                break
            }
            position += 1
        }
        guard position < bytes.count else { return nil }
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
                || byte == UInt8(ascii: "\r") || byte == 0x0B || byte == 0x0C { break }
            position += 1
        }
        lastTokenLine = line
        return Token(start: start, end: position, line: line)
    }

    /// The tokens up to the next `$end` (which is consumed).
    mutating func section(_ keyword: String, startLine: Int) throws -> [Token] {
        var tokens: [Token] = []
        while let token = next() {
            if equals(token, "$end") { return tokens }
            tokens.append(token)
        }
        throw error("\(keyword) (line \(startLine)) is not closed by $end before the end of the file", line: startLine)
    }

    mutating func parse() throws {
        try parseHeader()
        try parseBody()
    }

    mutating func parseHeader() throws {
        var scopeStack: [String] = []
        while true {
            guard let token = next() else {
                throw error(variables.isEmpty && scopes.isEmpty && date == nil && version == nil
                            ? "the file has no VCD header ($enddefinitions missing)"
                            : "$enddefinitions missing: the header does not end", line: lastTokenLine)
            }
            let keyword = text(token)
            switch keyword {
            case "$date", "$version", "$comment":
                let words = try section(keyword, startLine: token.line).map(text).joined(separator: " ")
                if keyword == "$date" { date = words } else if keyword == "$version" { version = words } else { comments.append(words) }
            case "$timescale":
                let words = try section(keyword, startLine: token.line).map(text).joined()
                guard let parsed = VCDTimescale(parsing: words) else {
                    throw error("$timescale \"\(words)\" is not 1, 10 or 100 followed by s, ms, us, ns, ps or fs",
                                line: token.line)
                }
                timescale = parsed
            case "$scope":
                let words = try section(keyword, startLine: token.line).map(text)
                guard words.count == 2 else {
                    throw error("$scope needs a type and a name, found \(words.count) words: \(words.joined(separator: " "))",
                                line: token.line)
                }
                scopeStack.append(words[1])
                scopes.append(scopeStack.joined(separator: "."))
            case "$upscope":
                let words = try section(keyword, startLine: token.line)
                guard words.isEmpty else { throw error("$upscope takes no arguments", line: token.line) }
                guard !scopeStack.isEmpty else { throw error("$upscope without an open $scope", line: token.line) }
                scopeStack.removeLast()
            case "$var":
                try parseVar(try section(keyword, startLine: token.line).map(text), scope: scopeStack, line: token.line)
            case "$attrbegin", "$attrend":
                _ = try section(keyword, startLine: token.line)
            case "$enddefinitions":
                let words = try section(keyword, startLine: token.line)
                guard words.isEmpty else { throw error("$enddefinitions takes no arguments", line: token.line) }
                guard scopeStack.isEmpty else {
                    throw error("$enddefinitions with \(scopeStack.count) scope(s) still open (\(scopeStack.joined(separator: ".")))",
                                line: token.line)
                }
                return
            default:
                if keyword.hasPrefix("$") {
                    throw error("unknown header section \(keyword)", line: token.line)
                }
                throw error("unexpected \"\(keyword)\" in the header (expected a $keyword section)", line: token.line)
            }
        }
    }

    mutating func parseVar(_ words: [String], scope: [String], line: Int) throws {
        guard words.count == 4 || words.count == 5 else {
            throw error("$var needs type, width, identifier code and name (and an optional range), found \(words.count) words: \(words.joined(separator: " "))",
                        line: line)
        }
        let type = words[0]
        guard let width = Int(words[1]), width > 0 else {
            throw error("$var width \"\(words[1])\" of \(words[3]) is not a positive integer", line: line)
        }
        let identifier = words[2]
        var name = words[3]
        var range: String? = words.count == 5 ? words[4] : nil
        if range == nil, name.hasSuffix("]"), let open = name.firstIndex(of: "["), open != name.startIndex {
            range = String(name[open...])
            name = String(name[..<open])
        }
        if let range {
            guard range.hasPrefix("["), range.hasSuffix("]") else {
                throw error("$var range \"\(range)\" of \(name) is not [msb:lsb] or [bit]", line: line)
            }
            let inner = range.dropFirst().dropLast()
            let parts = inner.split(separator: ":", omittingEmptySubsequences: false)
            let numbers = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (parts.count == 1 || parts.count == 2), numbers.allSatisfy({ $0 != nil }) else {
                throw error("$var range \"\(range)\" of \(name) is not [msb:lsb] or [bit]", line: line)
            }
            if parts.count == 2, type != "real", let msb = numbers[0], let lsb = numbers[1] {
                let span = abs(msb - lsb) + 1
                guard span == width else {
                    throw error("$var \(name) declares width \(width) but its range \(range) spans \(span) bits", line: line)
                }
            }
        }
        let isReal = type == "real" || type == "realtime" || type == "shortreal"
        let slot: Int
        if let existing = slotByIdentifier[identifier] {
            guard slotWidths[existing] == width else {
                throw error("identifier code \(identifier) of \(name) is declared with width \(width) and, earlier, \(slotWidths[existing])",
                            line: line)
            }
            slot = existing
        } else {
            slot = changes.count
            slotByIdentifier[identifier] = slot
            changes.append([])
            slotWidths.append(width)
            slotIsReal.append(isReal)
        }
        variables.append(VCDVariable(scope: scope, name: name, range: range, width: width, type: type,
                                     identifier: identifier))
        slotOfVariable.append(slot)
    }

    mutating func parseBody() throws {
        var time: UInt64 = 0
        var sawTime = false
        var openDump: (keyword: String, line: Int)?
        while let token = next() {
            let first = bytes[token.start]
            switch first {
            case UInt8(ascii: "#"):
                var value: UInt64 = 0
                guard token.end - token.start > 1 else { throw error("time stamp \"#\" without a number", line: token.line) }
                for k in (token.start + 1)..<token.end {
                    let digit = bytes[k]
                    guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                        throw error("time stamp \"\(text(token))\" is not a decimal number", line: token.line)
                    }
                    let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = product.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                    guard !overflow1, !overflow2 else {
                        throw error("time stamp \"\(text(token))\" does not fit 64 bits", line: token.line)
                    }
                    value = sum
                }
                if sawTime && value < time {
                    throw error("time \(value) is before the previous time stamp \(time)", line: token.line)
                }
                if times.last != value { times.append(value) }
                time = value
                sawTime = true
            case UInt8(ascii: "$"):
                let keyword = text(token)
                switch keyword {
                case "$dumpvars", "$dumpall", "$dumpon", "$dumpoff":
                    if let openDump {
                        throw error("\(keyword) inside \(openDump.keyword) (line \(openDump.line)), which is not closed", line: token.line)
                    }
                    openDump = (keyword, token.line)
                case "$end":
                    guard openDump != nil else { throw error("$end without an open $dumpvars/$dumpall/$dumpon/$dumpoff", line: token.line) }
                    openDump = nil
                case "$comment":
                    _ = try section(keyword, startLine: token.line)
                default:
                    throw error("unexpected \(keyword) after $enddefinitions", line: token.line)
                }
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                let bits = try normalizedBits(bytes[(token.start + 1)..<token.end], token: token)
                let slot = try slotOfNextIdentifier(after: token)
                if !sawTime { times.append(0); sawTime = true }
                try record(.bits(extend(bits, to: slotWidths[slot], token: token)), slot: slot, time: time)
            case UInt8(ascii: "r"), UInt8(ascii: "R"):
                let textValue = String(decoding: bytes[(token.start + 1)..<token.end], as: UTF8.self)
                guard let value = Double(textValue) else {
                    throw error("real value \"\(textValue)\" is not a number", line: token.line)
                }
                let slot = try slotOfNextIdentifier(after: token)
                if !sawTime { times.append(0); sawTime = true }
                try record(.real(value), slot: slot, time: time)
            case UInt8(ascii: "s"), UInt8(ascii: "S"):
                let textValue = String(decoding: bytes[(token.start + 1)..<token.end], as: UTF8.self)
                let slot = try slotOfNextIdentifier(after: token)
                if !sawTime { times.append(0); sawTime = true }
                try record(.string(textValue), slot: slot, time: time)
            case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "x"), UInt8(ascii: "X"),
                 UInt8(ascii: "z"), UInt8(ascii: "Z"):
                guard token.end - token.start > 1 else {
                    throw error("value change \"\(text(token))\" has no identifier code", line: token.line)
                }
                let identifier = String(decoding: bytes[(token.start + 1)..<token.end], as: UTF8.self)
                guard let slot = slotByIdentifier[identifier] else {
                    throw error("value change for undeclared identifier code \(identifier)", line: token.line)
                }
                let bit = try normalizedBits(bytes[token.start..<(token.start + 1)], token: token)
                if !sawTime { times.append(0); sawTime = true }
                try record(.bits(extend(bit, to: slotWidths[slot], token: token)), slot: slot, time: time)
            default:
                throw error("unexpected \"\(text(token))\" in the value changes", line: token.line)
            }
        }
        if let openDump {
            throw error("\(openDump.keyword) (line \(openDump.line)) is not closed by $end", line: openDump.line)
        }
    }

    mutating func slotOfNextIdentifier(after token: Token) throws -> Int {
        guard let idToken = next() else {
            throw error("value change \"\(text(token))\" has no identifier code", line: token.line)
        }
        let identifier = text(idToken)
        guard let slot = slotByIdentifier[identifier] else {
            throw error("value change for undeclared identifier code \(identifier)", line: idToken.line)
        }
        return slot
    }

    func normalizedBits(_ slice: ArraySlice<UInt8>, token: Token) throws -> [UInt8] {
        guard !slice.isEmpty else { throw error("vector value \"\(text(token))\" has no bits", line: token.line) }
        var result: [UInt8] = []
        result.reserveCapacity(slice.count)
        for byte in slice {
            switch byte {
            case UInt8(ascii: "0"), UInt8(ascii: "1"): result.append(byte)
            case UInt8(ascii: "x"), UInt8(ascii: "X"): result.append(UInt8(ascii: "x"))
            case UInt8(ascii: "z"), UInt8(ascii: "Z"): result.append(UInt8(ascii: "z"))
            default:
                throw error("value \"\(text(token))\" has a character other than 0, 1, x, z", line: token.line)
            }
        }
        return result
    }

    func extend(_ bits: [UInt8], to width: Int, token: Token) throws -> String {
        guard bits.count <= width else {
            throw error("value \"\(text(token))\" has \(bits.count) bits, more than the variable's width \(width)", line: token.line)
        }
        if bits.count == width { return String(decoding: bits, as: UTF8.self) }
        let fill = bits[0] == UInt8(ascii: "1") ? UInt8(ascii: "0") : bits[0]
        return String(decoding: [UInt8](repeating: fill, count: width - bits.count) + bits, as: UTF8.self)
    }

    mutating func record(_ value: VCDValue, slot: Int, time: UInt64) throws {
        if changes[slot].last?.time == time {
            changes[slot][changes[slot].count - 1].value = value
        } else {
            changes[slot].append(VCDChange(time: time, value: value))
        }
    }
}
