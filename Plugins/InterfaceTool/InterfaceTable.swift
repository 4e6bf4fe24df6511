import Foundation

/// The hardware interface table `rtl/stem_interface.json`: named constants, bit layouts of
/// words (the flit, the address, the fan-out entry, ...), enumerations (regions, registers,
/// status words) and the build parameters (their defaults and allowed ranges). Every layout field and enumeration case has a SystemVerilog name (the
/// layout's or enumeration's `name` followed by the field's or case's `name`), from which the
/// C name follows (`STEM_` and the name in upper snake case), and a Swift name.
struct InterfaceTable {
    /// A width given as a number or as the name of a constant.
    enum Width {
        case bits(Int)
        case constant(String)
    }

    struct Constant {
        var name: String
        var value: Int
        /// The constant's SystemVerilog type width (a constant name or a number); nil: `int unsigned`.
        var type: Width?
        var swift: String
        var doc: String
    }

    struct Field {
        var name: String
        var swift: String
        var lsb: Int
        var width: Width
        var doc: String
    }

    struct Layout {
        var name: String
        var swift: String
        var word: String
        var doc: String
        var fields: [Field]
    }

    struct Case {
        var name: String
        var value: Int
        var swift: String
        var doc: String
    }

    struct Enumeration {
        var name: String
        var type: Width
        var swift: String
        var swiftParent: String?
        var swiftRaw: String
        var doc: String
        var cases: [Case]
    }

    /// A build parameter of the RTL (a `parameter` of the top modules): its default and the
    /// range stemsim accepts; `rtlMin` is a lower bound the RTL accepts beyond it (stemsim's
    /// runs leave those values out). `swift` names the `ModelParameters` property; a parameter
    /// without one is fixed at its default by stemsim.
    struct Parameter {
        var name: String
        var defaultValue: Int
        var min: Int
        var max: Int
        var rtlMin: Int
        var swift: String?
        var doc: String
    }

    var about: String
    var constants: [Constant]
    var layouts: [Layout]
    var enums: [Enumeration]
    var parameters: [Parameter]

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses and checks the table: names unique, every width defined before it is used,
    /// fields inside their word and not overlapping, values fitting their types.
    init(json data: Data) throws {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch {
            throw Invalid(description: "not valid JSON: \(error.localizedDescription)")
        }
        guard let root = any as? [String: Any] else { throw Invalid(description: "the top level must be an object") }
        func string(_ object: [String: Any], _ key: String, _ at: String) throws -> String {
            guard let value = object[key] as? String, !value.isEmpty else {
                throw Invalid(description: "\(at): \"\(key)\" must be a non-empty string")
            }
            return value
        }
        func int(_ object: [String: Any], _ key: String, _ at: String) throws -> Int {
            guard let value = object[key] as? NSNumber, Double(value.intValue) == value.doubleValue,
                  value.intValue >= 0 else {
                throw Invalid(description: "\(at): \"\(key)\" must be a non-negative integer")
            }
            return value.intValue
        }
        func width(_ object: [String: Any], _ key: String, _ at: String) throws -> Width? {
            guard let raw = object[key] else { return nil }
            if let name = raw as? String { return .constant(name) }
            if let number = raw as? NSNumber, number.intValue > 0 { return .bits(number.intValue) }
            throw Invalid(description: "\(at): \"\(key)\" must be a positive integer or a constant's name")
        }
        func objects(_ key: String) throws -> [[String: Any]] {
            guard let list = root[key] as? [[String: Any]] else {
                throw Invalid(description: "\"\(key)\" must be a list of objects")
            }
            return list
        }
        about = (root["about"] as? String) ?? ""
        constants = try objects("constants").enumerated().map { i, o in
            let at = "constants[\(i)]"
            return Constant(name: try string(o, "name", at), value: try int(o, "value", at),
                            type: try width(o, "type", at), swift: try string(o, "swift", at),
                            doc: try string(o, "doc", at))
        }
        layouts = try objects("layouts").enumerated().map { i, o in
            let at = "layouts[\(i)]"
            guard let fields = o["fields"] as? [[String: Any]], !fields.isEmpty else {
                throw Invalid(description: "\(at): \"fields\" must be a non-empty list of objects")
            }
            return Layout(
                name: try string(o, "name", at), swift: try string(o, "swift", at),
                word: try string(o, "word", at), doc: try string(o, "doc", at),
                fields: try fields.enumerated().map { j, f in
                    let fat = "\(at).fields[\(j)]"
                    guard let w = try width(f, "width", fat) else {
                        throw Invalid(description: "\(fat): \"width\" is missing")
                    }
                    return Field(name: try string(f, "name", fat), swift: try string(f, "swift", fat),
                                 lsb: try int(f, "lsb", fat), width: w, doc: try string(f, "doc", fat))
                })
        }
        enums = try objects("enums").enumerated().map { i, o in
            let at = "enums[\(i)]"
            guard let cases = o["cases"] as? [[String: Any]], !cases.isEmpty else {
                throw Invalid(description: "\(at): \"cases\" must be a non-empty list of objects")
            }
            guard let type = try width(o, "type", at) else { throw Invalid(description: "\(at): \"type\" is missing") }
            return Enumeration(
                name: try string(o, "name", at), type: type, swift: try string(o, "swift", at),
                swiftParent: o["swiftParent"] as? String, swiftRaw: try string(o, "swiftRaw", at),
                doc: try string(o, "doc", at),
                cases: try cases.enumerated().map { j, c in
                    let cat = "\(at).cases[\(j)]"
                    return Case(name: try string(c, "name", cat), value: try int(c, "value", cat),
                                swift: try string(c, "swift", cat), doc: try string(c, "doc", cat))
                })
        }
        parameters = try objects("parameters").enumerated().map { i, o in
            let at = "parameters[\(i)]"
            let min = try int(o, "min", at)
            return Parameter(name: try string(o, "name", at), defaultValue: try int(o, "default", at), min: min,
                             max: try int(o, "max", at), rtlMin: o["rtlMin"] == nil ? min : try int(o, "rtlMin", at),
                             swift: o["swift"] == nil ? nil : try string(o, "swift", at), doc: try string(o, "doc", at))
        }
        try check()
    }

    /// The number of bits of `width`, a constant defined earlier in the table.
    func bits(_ width: Width, at: String, before index: Int? = nil) throws -> Int {
        switch width {
        case .bits(let n): return n
        case .constant(let name):
            let defined = index.map { Array(constants.prefix($0)) } ?? constants
            guard let constant = defined.first(where: { $0.name == name && $0.type == nil }) else {
                throw Invalid(description: "\(at): the width \(name) is not an untyped constant defined earlier in \"constants\"")
            }
            return constant.value
        }
    }

    private func check() throws {
        var names = Set<String>()
        func claim(_ name: String, _ at: String) throws {
            guard name.first?.isUppercase == true, name.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw Invalid(description: "\(at): the name \(name) must be UpperCamelCase letters and digits")
            }
            guard names.insert(name).inserted else { throw Invalid(description: "\(at): the name \(name) is used twice") }
        }
        for (i, c) in constants.enumerated() {
            let at = "constants[\(i)] (\(c.name))"
            try claim(c.name, at)
            if let type = c.type {
                let w = try bits(type, at: at, before: i)
                guard w < 63, c.value < 1 << w else { throw Invalid(description: "\(at): \(c.value) does not fit \(w) bits") }
            }
        }
        for layout in layouts {
            let word = try bits(.constant(layout.word), at: "layout \(layout.name)")
            var used = [Bool](repeating: false, count: word)
            for field in layout.fields {
                let at = "layout \(layout.name), field \(field.name)"
                let w = try bits(field.width, at: at)
                try claim(layout.name + field.name + (w == 1 ? "Bit" : "Lsb"), at)
                if w > 1 { try claim(layout.name + field.name + "W", at) }
                guard field.lsb + w <= word else {
                    throw Invalid(description: "\(at): bits \(field.lsb + w - 1):\(field.lsb) do not fit the \(word)-bit word \(layout.word)")
                }
                for b in field.lsb..<(field.lsb + w) {
                    guard !used[b] else { throw Invalid(description: "\(at): bit \(b) belongs to another field") }
                    used[b] = true
                }
            }
        }
        for e in enums {
            let w = try bits(e.type, at: "enum \(e.name)")
            var values = Set<Int>()
            for c in e.cases {
                let at = "enum \(e.name), case \(c.name)"
                try claim(e.name + c.name, at)
                guard w >= 63 || c.value < 1 << w else { throw Invalid(description: "\(at): \(c.value) does not fit \(w) bits") }
                guard values.insert(c.value).inserted else { throw Invalid(description: "\(at): the value \(c.value) is used twice") }
            }
        }
        for p in parameters {
            let at = "parameter \(p.name)"
            for prefix in ["Def", "Min", "Max"] { try claim(prefix + p.name, at) }
            guard p.rtlMin <= p.min, p.min <= p.defaultValue, p.defaultValue <= p.max else {
                throw Invalid(description: "\(at): expected rtlMin <= min <= default <= max, got \(p.rtlMin), \(p.min), \(p.defaultValue), \(p.max)")
            }
        }
    }
}

/// `FlitDstXLsb` -> `FLIT_DST_X_LSB`.
func upperSnake(_ name: String) -> String {
    var out = ""
    let chars = Array(name)
    for (i, ch) in chars.enumerated() {
        if i > 0, ch.isUppercase {
            let previous = chars[i - 1]
            let next = i + 1 < chars.count ? chars[i + 1] : nil
            if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) {
                out += "_"
            }
        }
        out += ch.uppercased()
    }
    return out
}

/// `FlitDstX` -> `flit_dst_x`.
func lowerSnake(_ name: String) -> String { upperSnake(name).lowercased() }
