import CompressNIO
import Foundation
import MFARollout
import NIOCore

/// The contents of an export file, gzip-compressed: Auth0's CSV for the requested fields
/// (written by MFARollout's `Auth0ExportEncoder`), or for the JSON format one object per user
/// and line.
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
    static func cell(_ user: User, _ field: Field) -> Auth0ExportValue {
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
    static func csv(users: some Sequence<User>, fields: [Field]) -> [UInt8] {
        Auth0ExportEncoder().encode(
            header: fields.map(\.header), rows: users.lazy.map { user in fields.map { cell(user, $0) } })
    }

    /// The uncompressed JSON lines: one object per user holding each requested field present on
    /// the user, under its header name, whole objects and arrays included. (Auth0's exact layout
    /// of this format is not confirmed.)
    static func jsonLines(users: some Sequence<User>, fields: [Field]) -> [UInt8] {
        var bytes: [UInt8] = []
        for user in users {
            var line: [String: JSONValue] = [:]
            for field in fields {
                if let value = user.value(atPath: field.name) { line[field.header] = value }
            }
            bytes += JSONValue.object(line).encoded()
            bytes.append(0x0A)
        }
        return bytes
    }

    /// The gzip-compressed file, as served at the job's `location`. `users` may be lazy: each
    /// is read once, as its line is written.
    static func gzip(
        users: some Sequence<User>, fields: [Field], format: ExportJobRequest.Format = .csv
    ) throws -> [UInt8] {
        let plain =
            switch format {
            case .csv: csv(users: users, fields: fields)
            case .json: jsonLines(users: users, fields: fields)
            }
        var buffer = ByteBuffer(bytes: plain)
        let compressed = try buffer.compress(with: .gzip())
        return Array(compressed.readableBytesView)
    }
}
