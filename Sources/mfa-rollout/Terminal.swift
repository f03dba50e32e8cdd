import Foundation
import MFARollout
import Rollout

/// All terminal output of the executable goes through here; the core never prints.
///
/// Nothing from the data drives the terminal: every character that is not plain text (control
/// and format characters, see `VisibleText`) is written as a visible escape, `\u001b`. Errors
/// and notes are one line each: a line end inside one is escaped too. A block of several lines
/// keeps its line ends and tabs, so its values must be escaped where they are put in it
/// (`visible`). Only the progress line's own control sequences reach the terminal as they are
/// (`control`).
enum Terminal {
    static let standardErrorIsTerminal = POSIX.isTerminal(POSIX.standardError)

    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(VisibleText.escapedKeepingLines(text).utf8))
    }

    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(VisibleText.escapedKeepingLines(text).utf8))
    }

    /// `sequence` (a terminal control sequence of this program's own) followed by `text`,
    /// which is escaped like any other output, on standard error.
    static func control(_ sequence: String, then text: String = "") {
        FileHandle.standardError.write(Data((sequence + VisibleText.escapedKeepingLines(text)).utf8))
    }

    static func error(_ message: String) {
        standardError("mfa-rollout: error: \(VisibleText.escaped(message))\n")
    }

    static func note(_ message: String) {
        standardError("mfa-rollout: \(VisibleText.escaped(message))\n")
    }

    /// A note that must start a line of its own although a signal interrupted the output: on a
    /// terminal the line is cleared first (a progress line, or the `^C` the terminal echoed).
    static func interruptionNote(_ message: String) {
        if standardErrorIsTerminal {
            control("\r\u{1B}[2K", then: "mfa-rollout: \(VisibleText.escaped(message))\n")
        } else {
            note(message)
        }
    }

    /// `value` (an id, a path, a reason: anything that came from outside) for a line of text.
    static func visible(_ value: String) -> String {
        VisibleText.escaped(value)
    }

    /// An error's sentence: our typed errors describe themselves, without secrets.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ApplyRefusal: return "refusing to apply: \(error.description)"
        case let error as CustomStringConvertible: return error.description
        default: return "\(error)"
        }
    }

    /// `value` as pretty JSON with sorted keys and a final line end, for `--json`. Strings that
    /// hold format characters come out with them escaped (`\u202e`), still valid JSON.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Columns of the terminal on standard error, or nil when it is not one.
    static var columns: Int? {
        standardErrorIsTerminal ? POSIX.terminalColumns(POSIX.standardError) : nil
    }
}
