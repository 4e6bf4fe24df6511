import ArgumentParser
import Foundation
import StemCheck
import StemModel
import StemRTL
import StemSupport

/// A failure a subcommand reports with its own exit code and message.
///
/// stemsim's exit codes: 0 success, 1 the engines disagree, 2 bad input or usage (including
/// ArgumentParser's validation errors and unreadable or invalid input files), 3 a tool or
/// environment failure.
struct CommandFailure: Error, CustomStringConvertible {
    enum Kind: Int32 {
        case mismatch = 1
        case badInput = 2
        case environment = 3
    }

    var kind: Kind
    var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    var description: String { message }
}

/// Writes `text` to standard error as is.
func printToStandardError(_ text: String) {
    StandardError.write(text)
}

extension ParsableCommand {
    /// Parses the command line, runs the chosen command and exits with stemsim's exit codes
    /// (see ``CommandFailure``); an interrupt removes the unfinished outputs first
    /// (``InterruptCleanup``).
    static func mainWithStemExitCodes() -> Never {
        InterruptCleanup.install(program: "stemsim")
        do {
            var command = try parseAsRoot()
            try command.run()
            terminate(0)
        } catch {
            let (code, message) = exitStatus(for: error)
            if let message { printToStandardError("stemsim: error: " + printableMessage(message) + "\n") }
            terminate(code)
        }
    }

    /// The exit code and message for an error thrown while parsing or running.
    static func exitStatus(for error: any Error) -> (Int32, String?) {
        switch error {
        case let failure as CommandFailure:
            return (failure.kind.rawValue, failure.message)
        case let error as FormatError:
            return (CommandFailure.Kind.badInput.rawValue, error.description)
        case let error as OutputFileError:
            let kind: CommandFailure.Kind = error.operation == .create ? .badInput : .environment
            return (kind.rawValue, error.description)
        case let error as MappingError:
            return (CommandFailure.Kind.badInput.rawValue, error.description)
        case let error as EngineError:
            return (CommandFailure.Kind.environment.rawValue, error.description)
        case let failure as HardwareAssertionFailure:
            // The hardware broke one of its own rules (while being configured): a hardware fault.
            return (CommandFailure.Kind.mismatch.rawValue, "\(failure.engine) stopped on a failed RTL assertion: \(failure.message)")
        default:
            break
        }
        let code = exitCode(for: error)
        if code == .validationFailure {
            printToStandardError(printableMessage(fullMessage(for: error)) + "\n")
            return (CommandFailure.Kind.badInput.rawValue, nil)
        }
        if code.isSuccess || error is ExitCode {
            // Help, version, or an explicit exit code: ArgumentParser's own handling.
            exit(withError: error)
        }
        // Not fullMessage(for:), which adds its own "Error: " after our "stemsim: error: ".
        return (CommandFailure.Kind.environment.rawValue, describe(error))
    }
}

/// What went wrong, in words: an error's own description, or for a Foundation error
/// (`NSError`) its localized description instead of the raw `Error Domain=...` dump.
func describe(_ error: any Error) -> String {
    let text = String(describing: error)
    guard error is CocoaError || type(of: error) == NSError.self || text.contains("Error Domain=") else { return text }
    let ns = error as NSError
    var message = ns.localizedDescription
    if let path = ns.userInfo[NSFilePathErrorKey] as? String, !message.contains(path) { message += " (\(path))" }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError {
        message += ": " + underlying.localizedDescription
    }
    return message
}

/// `text` made safe to print on a terminal: control and bidirectional-formatting characters
/// (such as U+202E, which reverses what follows) are escaped as `\u{202E}`, and any run of
/// more than ``longWordLimit`` characters without a space (a million-digit number, a 5 KB
/// key) keeps its start and end and says how much was cut. Newlines and tabs stay.
func printableMessage(_ text: String) -> String {
    var result = ""
    var word: [Character] = []
    func flushWord() {
        if word.count > longWordLimit {
            result += String(word.prefix(80)) + "...[\(word.count - 120) characters cut]..." + String(word.suffix(40))
        } else {
            result += String(word)
        }
        word.removeAll(keepingCapacity: true)
    }
    for scalar in text.unicodeScalars {
        let escaped: String?
        switch scalar.properties.generalCategory {
        case .control where scalar != "\n" && scalar != "\t", .format, .lineSeparator, .paragraphSeparator:
            escaped = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default:
            escaped = nil
        }
        if let escaped {
            word.append(contentsOf: escaped)
        } else if scalar == " " || scalar == "\n" || scalar == "\t" {
            flushWord()
            result.unicodeScalars.append(scalar)
        } else {
            word.append(Character(scalar))
        }
    }
    flushWord()
    return result
}

/// Runs of non-space characters longer than this are cut in printed messages.
let longWordLimit = 240

/// Ends the process with `code`.
private func terminate(_ code: Int32) -> Never {
    exit(code)
}
