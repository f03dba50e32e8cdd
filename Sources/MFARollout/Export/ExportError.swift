/// A problem reading an export: which input, which line (where the bad record starts), what.
///
/// `description` reads like `users.csv: line 14: unterminated quoted field …`.
package struct ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Display name of the input (path as given, or `<stdin>`).
    package var file: String
    /// Physical line (1-based) where the offending record starts; `nil` for whole-file problems.
    package var line: Int?
    package var reason: Reason

    package init(file: String, line: Int?, reason: Reason) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    package enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// The file could not be opened (the system's message).
        case cannotOpen(String)
        /// Reading failed part way (the system's message).
        case readFailed(String)
        /// No header row: the input is empty or blank.
        case emptyFile
        /// Required columns absent from the header.
        case missingColumns([String], header: [String])
        /// The data starts with the gzip magic bytes but does not decompress (corrupt or truncated).
        case corruptGzip(String)
        /// A quoted field is still open at the end of the input.
        case unterminatedQuote
        /// A `"` where RFC 4180 does not allow one (inside an unquoted field, or after a closing quote).
        case malformedQuote
        /// A record with a different number of fields than the header. Row-level.
        case fieldCount(expected: Int, found: Int)
        /// A materialized column holds bytes that are not UTF-8. Row-level.
        case invalidUTF8(column: String)
        /// The user id column is empty. Row-level.
        case emptyUserID(column: String)
        /// The user id appeared before (`firstSeen` when it could be located). Row-level.
        case duplicateUserID(String, firstSeen: ExportLocation?)
        /// libcsv failed for another reason (out of memory).
        case parserFailure(String)

        /// Whether a row with this problem can be skipped (reported to `onRejected`).
        package var isRowLevel: Bool {
            switch self {
            case .fieldCount, .invalidUTF8, .emptyUserID, .duplicateUserID: return true
            default: return false
            }
        }

        package var description: String {
            switch self {
            case .cannotOpen(let message):
                return "cannot open file: \(message)"
            case .readFailed(let message):
                return "read failed: \(message)"
            case .emptyFile:
                return "empty file: no header row"
            case .missingColumns(let missing, let header):
                let names = missing.map { "'\($0)'" }.joined(separator: ", ")
                let noun = missing.count == 1 ? "column" : "columns"
                return "missing required \(noun) \(names) (header has: \(header.joined(separator: ", ")))"
            case .corruptGzip(let detail):
                return "unreadable gzip data (\(detail))"
            case .unterminatedQuote:
                return "unterminated quoted field (a \" opened in this record is never closed)"
            case .malformedQuote:
                return "malformed quoted field (a \" inside an unquoted field, or text after a closing \")"
            case .fieldCount(let expected, let found):
                return "expected \(expected) fields (as in the header), found \(found)"
            case .invalidUTF8(let column):
                return "invalid UTF-8 in column '\(column)'"
            case .emptyUserID(let column):
                return "empty user id (column '\(column)')"
            case .duplicateUserID(let id, let firstSeen):
                if let firstSeen {
                    return "duplicate user id '\(id)' (already seen at \(firstSeen))"
                }
                return "duplicate user id '\(id)' (already seen earlier in the input)"
            case .parserFailure(let message):
                return "CSV parser failure: \(message)"
            }
        }
    }

    package var description: String {
        if let line {
            return "\(file): line \(line): \(reason)"
        }
        return "\(file): \(reason)"
    }
}
