import Foundation

// stem-interface: generates the hardware interface files from rtl/stem_interface.json.
//
//   stem-interface write [ROOT]        rewrite the committed generated files under ROOT (default .)
//   stem-interface check [ROOT]        exit 1 if a committed generated file differs from the table
//   stem-interface swift TABLE OUTPUT  write the Swift constants (the build-tool plugin runs this)

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("stem-interface: \(message)\n".utf8))
    exit(status)
}

func load(_ path: String) -> InterfaceTable {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)", status: 2) }
    do { return try InterfaceTable(json: data) } catch { fail("\(path): \(error)", status: 2) }
}

func write(_ text: String, to path: String) {
    if let old = try? String(contentsOfFile: path, encoding: .utf8), old == text { return }
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        fail("cannot write \(path): \(error)", status: 1)
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "write", "check":
    guard arguments.count <= 2 else { fail("usage: stem-interface \(arguments[0]) [ROOT]", status: 2) }
    let root = arguments.count == 2 ? arguments[1] : FileManager.default.currentDirectoryPath
    let table = load(root + "/" + InterfaceTable.tablePath)
    let files: [(path: String, text: String)]
    do { files = try table.committedFiles() } catch { fail("\(InterfaceTable.tablePath): \(error)", status: 2) }
    if arguments[0] == "write" {
        for file in files { write(file.text, to: root + "/" + file.path) }
    } else {
        let stale = files.filter { (try? String(contentsOfFile: root + "/" + $0.path, encoding: .utf8)) != $0.text }
        if !stale.isEmpty {
            fail("\(stale.map(\.path).joined(separator: ", ")) differ from \(InterfaceTable.tablePath); run `\(InterfaceTable.regenerate)` in \(root)", status: 1)
        }
        print("the generated files match \(InterfaceTable.tablePath)")
    }
case "swift":
    guard arguments.count == 3 else { fail("usage: stem-interface swift TABLE OUTPUT", status: 2) }
    let table = load(arguments[1])
    do { write(try table.swift(), to: arguments[2]) } catch { fail("\(arguments[1]): \(error)", status: 2) }
default:
    fail("usage: stem-interface write [ROOT] | check [ROOT] | swift TABLE OUTPUT", status: 2)
}
