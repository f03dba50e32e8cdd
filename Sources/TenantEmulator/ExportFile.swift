import Foundation
import CompressNIO
import MFARollout
import NIOCore

/// The contents of an export file: Auth0's CSV for the requested fields (written by
/// MFARollout's `Auth0ExportEncoder`), gzip-compressed.
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
    static func csv(users: [User], fields: [Field]) -> [UInt8] {
        Auth0ExportEncoder().encode(header: fields.map(\.header), rows: users.lazy.map { user in fields.map { cell(user, $0) } })
    }

    /// The gzip-compressed CSV, as served at the job's `location`.
    static func gzip(users: [User], fields: [Field]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: csv(users: users, fields: fields))
        let compressed = try buffer.compress(with: .gzip())
        return Array(compressed.readableBytesView)
    }
}
