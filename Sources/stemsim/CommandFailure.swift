import ArgumentParser
import Foundation
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
            if let message { printToStandardError("stemsim: error: " + message + "\n") }
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
        default:
            break
        }
        let code = exitCode(for: error)
        if code == .validationFailure {
            printToStandardError(fullMessage(for: error) + "\n")
            return (CommandFailure.Kind.badInput.rawValue, nil)
        }
        if code.isSuccess || error is ExitCode {
            // Help, version, or an explicit exit code: ArgumentParser's own handling.
            exit(withError: error)
        }
        return (CommandFailure.Kind.environment.rawValue, fullMessage(for: error))
    }
}

/// Ends the process with `code`.
private func terminate(_ code: Int32) -> Never {
    exit(code)
}
