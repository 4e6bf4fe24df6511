import Foundation
import Testing
@testable import StemTrace

@Suite struct ViewerFilesTests {
    /// The trace names a GTKWave save file shows (lines that are not directives, flags,
    /// comments, zoom lines or group labels), without their aliases (`+{alias} name`).
    static func gtkwaveTraces(_ lines: [String]) -> [String] {
        lines.filter { line in
            !line.isEmpty && !["[", "@", "*", "-"].contains(line.first!)
        }.map { line in
            guard line.hasPrefix("+{"), let end = line.firstIndex(of: "}") else { return line }
            return String(line[line.index(end, offsetBy: 2)...])
        }
    }

    static func checkGTKWave(_ path: String, against reader: VCDReader, vcdPath: String) throws -> [String] {
        let text = try lines(of: path)
        #expect(text.contains("[dumpfile] \"\(FilePaths.absolute(vcdPath))\""))
        let traces = gtkwaveTraces(text)
        for trace in traces {
            let variable = reader.variable(named: trace)
            #expect(variable != nil, "\(trace) in \(path) is not in the VCD")
            if let variable {
                // GTKWave names vectors with their range, bits without.
                #expect(trace == (variable.width > 1 ? "\(variable.fullName)[\(variable.width - 1):0]" : variable.fullName))
            }
        }
        // Groups are balanced: every begin label has its end.
        var open: [String] = []
        var flags = ""
        for line in text {
            if line.hasPrefix("@") { flags = line; continue }
            guard line.hasPrefix("-") else { continue }
            if flags == "@800200" { open.append(line) } else if flags == "@1000200" { #expect(open.popLast() == line) }
        }
        #expect(open.isEmpty)
        return traces
    }

    @Test func comparisonSignalsCarryGoldenAndRTLAliases() throws {
        let layout = ViewerLayout(items: [.signal(.init(name: "compare.rtl.n.v", width: 8, alias: "rtl v"))])
        let text = GTKWaveSaveFile(layout: layout, dumpFile: "/x.vcd").text
        #expect(text.contains("\n+{rtl v} compare.rtl.n.v[7:0]\n"))
    }

    static func checkSurfer(_ path: String, against reader: VCDReader, vcdPath: String) throws -> [String] {
        let text = try lines(of: path).filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(text.first == "load_file \(FilePaths.absolute(vcdPath))")
        var items: [String] = []   // displayed items in order ("" for dividers)
        var focused: String?
        var added: [String] = []
        for line in text {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            switch words[0] {
            case "load_file", "zoom_fit", "item_unfocus", "cursor_set":
                if words[0] == "item_unfocus" { focused = nil }
            case "variable_add":
                #expect(reader.variable(named: words[1]) != nil, "\(words[1]) in \(path) is not in the VCD")
                items.append(words[1])
                added.append(words[1])
            case "divider_add":
                #expect(words[1].allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
                items.append("")
            case "item_focus":
                var index = 0
                for letter in words[1].utf8 {
                    #expect((UInt8(ascii: "a")...UInt8(ascii: "p")).contains(letter))
                    index = index * 16 + Int(letter - UInt8(ascii: "a"))
                }
                focused = items[index]
                #expect(focused != "")
            case "item_set_format":
                let name = try #require(focused)
                let variable = try #require(reader.variable(named: name))
                #expect(variable.width > 1)
                let signed = ["v", "i"].contains(variable.name)
                #expect(words[1] == (signed ? "Signed" : "Unsigned"), "format of \(variable.fullName)")
            case "item_set_color":
                #expect(words[1] == "Red")
                #expect(focused?.hasSuffix("mismatch") == true)
            default:
                Issue.record("unexpected Surfer command \(line)")
            }
        }
        return added
    }

    @Test func goldenViewerFilesShowExistingSignals() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let states = randomStates(for: network, steps: 8, seed: 21)
        let trace = try GoldenTraceWriter(path: folder.file("g.vcd"), network: network,
                                          options: TraceOptions(maxHighlightedNeurons: 3))
        for (step, state) in states.enumerated() { try trace.record(step: UInt64(step), neurons: state) }
        let files = try trace.finish()
        let reader = try VCDReader(contentsOf: files.vcdPath)
        let traces = try Self.checkGTKWave(try #require(files.gtkwavePath), against: reader, vcdPath: files.vcdPath)
        #expect(traces.first == "stem.step[31:0]")
        #expect(traces.count == 1 + 3 * 4)
        #expect(traces.contains("stem.layer1.neuron2.v[11:0]"))
        #expect(!traces.contains { $0.contains("neuron3") })
        let added = try Self.checkSurfer(try #require(files.surferPath), against: reader, vcdPath: files.vcdPath)
        #expect(added == traces.map { $0.split(separator: "[").first.map(String.init)! })
        // V and I are shown as signed decimal, the step counter and Y as decimal, spikes as bits.
        let text = try lines(of: try #require(files.gtkwavePath))
        let vLine = try #require(text.firstIndex(of: "stem.layer1.neuron0.v[11:0]"))
        #expect(text[..<vLine].last { $0.hasPrefix("@") } == "@420")
        let stepLine = try #require(text.firstIndex(of: "stem.step[31:0]"))
        #expect(text[..<stepLine].last { $0.hasPrefix("@") } == "@24")
        let spikeLine = try #require(text.firstIndex(of: "stem.layer1.neuron0.spike"))
        #expect(text[..<spikeLine].last { $0.hasPrefix("@") } == "@28")
        #expect(text.contains("[timestart] 0"))
    }

    @Test func comparisonViewerFilesShowTheMismatchedNeuronsAndTheFirstDivergence() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let golden = randomStates(for: network, steps: 16, seed: 22)
        var rtl = golden.map { $0.map { $0.map(NeuronObservation.init) } }
        rtl[9][1][1].spike.toggle()
        rtl[11][0][3].potential = rtl[11][0][3].potential == 0 ? 1 : 0
        let trace = try ComparisonTraceWriter(path: folder.file("c.vcd"), network: network,
                                              options: TraceOptions(window: 4...15))
        for step in 0..<16 { try trace.record(step: UInt64(step), golden: golden[step], rtl: rtl[step]) }
        let files = try trace.finish()
        let reader = try VCDReader(contentsOf: files.vcdPath)
        let gtkw = try #require(files.gtkwavePath)
        let traces = try Self.checkGTKWave(gtkw, against: reader, vcdPath: files.vcdPath)
        #expect(Array(traces.prefix(3)) == ["compare.step[31:0]", "compare.any_mismatch",
                                            "compare.mismatch.stem.layer2.neuron1.mismatch"])
        #expect(traces.contains("compare.rtl.stem.layer1.neuron3.v[11:0]"))
        #expect(traces.contains("compare.golden.stem.layer1.neuron3.v[11:0]"))
        #expect(traces.count == 2 + 2 * 9)
        let text = try lines(of: gtkw)
        // Primary marker on the first mismatch (step 9), view starting at the window.
        #expect(text.contains { $0.hasPrefix("*") && $0.split(separator: " ")[1] == "9" })
        #expect(text.contains("[timestart] 4"))
        let surfer = try #require(files.surferPath)
        let added = try Self.checkSurfer(surfer, against: reader, vcdPath: files.vcdPath)
        #expect(added.count == traces.count)
        #expect(try lines(of: surfer).contains("cursor_set 9"))
    }

    @Test func surferItemIndicesUseLettersAToP() {
        #expect(SurferCommandFile.itemIndex(0) == "a")
        #expect(SurferCommandFile.itemIndex(15) == "p")
        #expect(SurferCommandFile.itemIndex(16) == "ba")
        #expect(SurferCommandFile.itemIndex(255) == "pp")
        #expect(SurferCommandFile.dividerWord("layer 1 neuron 3") == "layer_1_neuron_3")
    }

    @Test func surferFileDoesNotLoadAPathItsSyntaxWouldCut() {
        let layout = ViewerLayout(items: [.signal(.init(name: "top.a", width: 1))])
        let text = SurferCommandFile(layout: layout, waveformFile: "/tmp/run#1.vcd").text
        #expect(!text.contains("load_file"))
        #expect(text.contains("variable_add top.a"))
    }

    @Test func viewerFilesCanBeTurnedOff() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let states = randomStates(for: network, steps: 2, seed: 23)
        let trace = try GoldenTraceWriter(path: folder.file("plain.vcd"), network: network,
                                          options: TraceOptions(writesViewerFiles: false))
        for (step, state) in states.enumerated() { try trace.record(step: UInt64(step), neurons: state) }
        let files = try trace.finish()
        #expect(files.gtkwavePath == nil && files.surferPath == nil)
        #expect(folder.contents() == ["plain.vcd"])
        #expect(files.openCommands == ["gtkwave \(folder.file("plain.vcd"))"])
    }

    @Test func pathsAreMadeAbsoluteAndExtensionsReplaced() {
        #expect(FilePaths.replacingExtension(of: "out/run.vcd", with: "gtkw") == "out/run.gtkw")
        #expect(FilePaths.replacingExtension(of: "out.d/run", with: "sucl") == "out.d/run.sucl")
        #expect(FilePaths.replacingExtension(of: ".hidden", with: "gtkw") == ".hidden.gtkw")
        #expect(FilePaths.absolute("/a/./b/../c.vcd") == "/a/c.vcd")
        #expect(FilePaths.absolute("x.vcd") == FileManager.default.currentDirectoryPath + "/x.vcd")
    }
}

@Suite struct ViewerLayoutTests {
    @Test func writesViewerFilesBesideAnRTLTrace() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = ViewerLayout(items: [
            .signal(.init(name: "TOP.stem_mesh.step_o", width: 32, format: .unsignedDecimal)),
            .group(label: "core 0", signals: [.init(name: "TOP.stem_mesh.core0.spike_valid_o", width: 1),
                                              .init(name: "TOP.stem_mesh.core0.v_q", width: 16, format: .signedDecimal)]),
        ], cursorTime: 1234, visibleRange: 1000...2000)
        let (gtkw, sucl) = try layout.writeViewerFiles(besideTrace: folder.file("rtl.fst"))
        #expect(gtkw == folder.file("rtl.gtkw") && sucl == folder.file("rtl.sucl"))
        #expect(folder.contents() == ["rtl.gtkw", "rtl.sucl"])
        let gtkwText = try lines(of: gtkw)
        #expect(gtkwText.contains("[dumpfile] \"\(folder.file("rtl.fst"))\""))
        #expect(ViewerFilesTests.gtkwaveTraces(gtkwText) == ["TOP.stem_mesh.step_o[31:0]", "TOP.stem_mesh.core0.spike_valid_o",
                                                             "TOP.stem_mesh.core0.v_q[15:0]"])
        #expect(gtkwText.contains { $0.hasPrefix("*") && $0.split(separator: " ")[1] == "1234" })
        #expect(gtkwText.contains("[timestart] 1000"))
        let suclText = try lines(of: sucl)
        #expect(suclText.contains("load_file \(folder.file("rtl.fst"))"))
        #expect(suclText.contains("divider_add core_0"))
        #expect(suclText.contains("item_focus d") && suclText.contains("item_set_format Signed"))
        #expect(suclText.contains("cursor_set 1234"))
        // An unwritable place leaves nothing behind.
        #expect(throws: TraceError.self) { try layout.writeViewerFiles(besideTrace: "/nonexistent-dir/x.vcd") }
    }
}
