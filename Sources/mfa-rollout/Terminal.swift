import Foundation
import MFARollout
import Rollout

/// All terminal output of the executable goes through here; the core never prints.
enum Terminal {
    static let standardErrorIsTerminal = POSIX.isTerminal(POSIX.standardError)

    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func error(_ message: String) {
        standardError("mfa-rollout: error: \(message)\n")
    }

    static func note(_ message: String) {
        standardError("mfa-rollout: \(message)\n")
    }

    /// An error's sentence: our typed errors describe themselves, without secrets.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ApplyRefusal: return "refusing to apply: \(error.description)"
        case let error as CustomStringConvertible: return error.description
        default: return "\(error)"
        }
    }

    /// `value` as pretty JSON with sorted keys and a final line end, for `--json`.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
