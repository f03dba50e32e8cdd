import Foundation
import CompressNIO
import NIOCore

/// The contents of an export file: Auth0's CSV for the requested fields, gzip-compressed.
enum ExportFile {
    /// One requested column: `name` is the field path, `exportAs` the optional header name.
    struct Field: Sendable, Equatable {
        var name: String
        var exportAs: String?

        var header: String { exportAs ?? name }
    }

    /// Fields Auth0 stamps itself with ISO-8601 dates: written without the leading `'`.
    static let dateFields: Set<String> = [
        "created_at", "updated_at", "last_login", "last_password_reset", "last_ip_change",
    ]

    /// The cell of one user for one field: objects, arrays and missing values are blank.
    static func cell(_ user: User, _ field: Field) -> Cell {
        switch user.value(atPath: field.name) {
        case nil, .null?, .object?, .array?: return .empty
        case .bool(let value)?: return .bool(value)
        case .int(let value)?: return .number(String(value))
        case .double(let value)?: return .number(String(value))
        case .string(let value)?:
            return dateFields.contains(field.name) ? .date(value) : .string(value)
        }
    }

    /// The uncompressed CSV.
    static func csv(users: [User], fields: [Field]) -> [UInt8] {
        let rows = users.map { user in fields.map { cell(user, $0) } }
        return encode(header: fields.map(\.header), rows: rows)
    }

    /// The gzip-compressed CSV, as served at the job's `location`.
    static func gzip(users: [User], fields: [Field]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: csv(users: users, fields: fields))
        let compressed = try buffer.compress(with: .gzip())
        return Array(compressed.readableBytesView)
    }

    // TODO(export merge): replace `Cell` and `encode` by MFARollout's Auth0ExportValue and
    // Auth0ExportEncoder once branch `export` lands; they follow the same rules.
    enum Cell: Sendable, Equatable {
        case string(String)
        case date(String)
        case number(String)
        case bool(Bool)
        case empty
    }

    /// OWASP escaping as Auth0 writes it: strings quoted with a leading `'`, dates quoted
    /// without it, the header quoted without it.
    static func encode(header: [String], rows: [[Cell]]) -> [UInt8] {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = [header.map(quoted).joined(separator: ",")]
        for row in rows {
            lines.append(
                row.map { cell in
                    switch cell {
                    case .string(let value): quoted("'" + value)
                    case .date(let value): quoted(value)
                    case .number(let value): value
                    case .bool(let value): value ? "true" : "false"
                    case .empty: ""
                    }
                }.joined(separator: ",")
            )
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }
}
