import Crypto
import Foundation

/// Who holds which role and belongs to which organization: the CSV `mfa-rollout members`
/// writes (`user_id,kind,name`), read by `plan --members`.
///
/// One row per user per role or organization. The header must be exactly `user_id,kind,name`;
/// `kind` is `role` or `organization`; no field may be empty. Fields are RFC 4180 (quoted when
/// they hold a comma, a quote or a line end); LF or CRLF ends a row; a UTF-8 byte-order mark
/// is accepted.
package struct MembershipFile: Sendable {
    /// A role or organization the file names.
    package struct Group: Sendable, Hashable, CustomStringConvertible {
        package var kind: MembershipKind
        package var name: String

        package init(kind: MembershipKind, name: String) {
            self.kind = kind
            self.name = name
        }

        /// `role admin`, `organization acme`.
        package var description: String { "\(kind.rawValue) \(name)" }
    }

    /// The path as given.
    package var path: String
    /// Lowercase hex SHA-256 of the file's bytes.
    package var sha256: String
    /// Every group, in order of first appearance.
    package private(set) var groups: [Group] = []
    /// The users of each group, by its index in `groups`.
    package private(set) var users: [Set<String>] = []
    /// Each user's groups (indices into `groups`).
    private var byUser: [String: [Int32]] = [:]

    /// Reads and checks the file at `path`.
    package static func load(path: String) throws(MembershipFileError) -> MembershipFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MembershipFileError(
                file: path, line: nil,
                message: FileManager.default.fileExists(atPath: path)
                    ? "cannot read the membership file" : "membership file not found")
        }
        return try parse(Array(data), path: path)
    }

    /// Parses the file's bytes; `path` names it in errors.
    package static func parse(_ bytes: [UInt8], path: String) throws(MembershipFileError) -> MembershipFile {
        var file = MembershipFile(path: path, sha256: SHA256.hash(data: bytes).hexString)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MembershipFileError(file: path, line: nil, message: "the membership file is not valid UTF-8")
        }
        var index: [Group: Int] = [:]
        var sawHeader = false
        for (line, fields) in try records(text, path: path) {
            if !sawHeader {
                guard fields == ["user_id", "kind", "name"] else {
                    throw MembershipFileError(
                        file: path, line: line,
                        message:
                            "the header must be user_id,kind,name (as mfa-rollout members writes it), found \(fields.joined(separator: ","))"
                    )
                }
                sawHeader = true
                continue
            }
            guard fields.count == 3 else {
                throw MembershipFileError(file: path, line: line, message: "expected 3 fields, found \(fields.count)")
            }
            guard let kind = MembershipKind(rawValue: fields[1]) else {
                throw MembershipFileError(
                    file: path, line: line, message: "unknown kind '\(fields[1])' (expected role or organization)")
            }
            guard !fields[0].isEmpty, !fields[2].isEmpty else {
                throw MembershipFileError(file: path, line: line, message: "an empty user id or name")
            }
            let group = Group(kind: kind, name: fields[2])
            let position: Int
            if let known = index[group] {
                position = known
            } else {
                position = file.groups.count
                index[group] = position
                file.groups.append(group)
                file.users.append([])
            }
            if file.users[position].insert(fields[0]).inserted {
                file.byUser[fields[0], default: []].append(Int32(position))
            }
        }
        guard sawHeader else {
            throw MembershipFileError(file: path, line: nil, message: "the membership file is empty")
        }
        return file
    }

    private init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }

    /// The names of the file's groups of `kind`, in order.
    package func names(_ kind: MembershipKind) -> [String] {
        groups.filter { $0.kind == kind }.map(\.name)
    }

    /// The users of the group, nil when the file does not name it.
    package func users(of group: Group) -> Set<String>? {
        groups.firstIndex(of: group).map { users[$0] }
    }

    /// The indices (into `groups`) of the groups `userID` is in.
    package func groups(of userID: String) -> [Int32] {
        byUser[userID] ?? []
    }

    /// The records of `text` with the line each starts on.
    static func records(_ text: String, path: String) throws(MembershipFileError) -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { out.append((recordLine, fields)) }
            fields = []
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "," {
                fields.append(field)
                field = ""
                afterQuote = false
            } else if c == "\n" || c == "\r" {
                if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            } else if c == "\"" && field.isEmpty && !afterQuote {
                quoted = true
            } else if afterQuote {
                throw MembershipFileError(file: path, line: line, message: "text after a closing quote")
            } else {
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        if quoted { throw MembershipFileError(file: path, line: recordLine, message: "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return out
    }
}

/// A problem with a membership file, with where it is.
package struct MembershipFileError: Error, Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var line: Int?
    package var message: String

    package var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
