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
        /// A field (1-based `column` of its record) longer than `csv.max_field_bytes`.
        case fieldTooLarge(column: Int, limit: Int)
        /// A record longer than `csv.max_record_bytes`.
        case recordTooLarge(limit: Int)
        /// A header naming more columns than `CSVDialect.maxColumns`.
        case tooManyColumns(limit: Int)
        /// A header name that is not text (1-based `column`).
        case invalidHeader(column: Int, problem: HeaderProblem)
        /// Two header columns (1-based) with the same name: which one a rule reads would be a guess.
        case duplicateColumn(String, first: Int, second: Int)
        /// The user id holds a control character (below U+0020, or DEL). Row-level.
        case controlCharacterInUserID(column: String)
        /// The user id is `.` or `..`, which a URL path resolves instead of naming a user. Row-level.
        case unroutableUserID(column: String)

        /// What is wrong with a header name.
        package enum HeaderProblem: Sendable, Equatable {
            case invalidUTF8
            case controlCharacter(Unicode.Scalar)
        }

        /// Whether a row with this problem can be skipped (reported to `onRejected`).
        package var isRowLevel: Bool {
            switch self {
            case .fieldCount, .invalidUTF8, .emptyUserID, .duplicateUserID, .controlCharacterInUserID,
                .unroutableUserID:
                return true
            default: return false
            }
        }

        /// One line of text: values from the export are escaped (see `VisibleText`).
        package var description: String {
            VisibleText.escaped(text)
        }

        private var text: String {
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
            case .fieldTooLarge(let column, let limit):
                return
                    "field \(column) is longer than \(ByteCount.text(limit)) (csv.max_field_bytes): not an export of users; raise the limit in the policy if it is"
            case .recordTooLarge(let limit):
                return
                    "record is longer than \(ByteCount.text(limit)) (csv.max_record_bytes): not an export of users; raise the limit in the policy if it is"
            case .tooManyColumns(let limit):
                return "the header names more than \(limit) columns"
            case .invalidHeader(let column, .invalidUTF8):
                return "header: the name of column \(column) is not valid UTF-8"
            case .invalidHeader(let column, .controlCharacter(let scalar)):
                return "header: the name of column \(column) holds the control character \(VisibleText.escape(scalar))"
            case .duplicateColumn(let name, let first, let second):
                return "header: columns \(first) and \(second) are both named '\(name)'"
            case .controlCharacterInUserID(let column):
                return "user id holds a control character (column '\(column)')"
            case .unroutableUserID(let column):
                return "user id '.' or '..' names no user in a URL path (column '\(column)')"
            }
        }
    }

    /// One line of text: the file's name and values from the export are escaped.
    package var description: String {
        if let line {
            return "\(VisibleText.escaped(file)): line \(line): \(reason)"
        }
        return "\(VisibleText.escaped(file)): \(reason)"
    }
}
