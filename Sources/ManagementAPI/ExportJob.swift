import Foundation

/// One column of a user export: `{"name":"app_metadata.use_mfa","export_as":"use_mfa"}`.
package struct ExportField: Sendable, Equatable, Hashable, Codable {
    /// The field path, e.g. `user_id`, `app_metadata.use_mfa`, `identities[0].connection`.
    package var name: String
    /// The header of the column; the name when nil.
    package var exportAs: String?

    package init(name: String, exportAs: String? = nil) {
        self.name = name
        self.exportAs = exportAs
    }

    private enum CodingKeys: String, CodingKey {
        case name
        case exportAs = "export_as"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(exportAs, forKey: .exportAs)
    }
}

/// The file format of a user export.
package enum ExportFormat: String, Sendable, Equatable, Codable {
    case csv
    case json
}

/// A URL that grants access by itself (a signed download link). Its description shows only
/// scheme, host and path; the query, which holds the signature, is redacted.
package struct SignedURL: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The full URL; pass it to ``ManagementClient/download(_:to:observer:)`` and nowhere else.
    package let absoluteString: String

    package init(_ absoluteString: String) {
        self.absoluteString = absoluteString
    }

    package var description: String {
        guard let components = URLComponents(string: absoluteString), let host = components.host else {
            return "SignedURL(redacted)"
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let query = components.query == nil ? "" : "?(redacted)"
        return "\(components.scheme ?? "?")://\(host)\(port)\(components.path)\(query)"
    }

    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// A user export job, as answered by `POST /jobs/users-exports` and `GET /jobs/{id}`.
package struct ExportJob: Sendable, Equatable, Decodable {
    package enum Status: Sendable, Equatable, Decodable {
        case pending
        case processing
        case completed
        case failed
        case other(String)

        package init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            switch text {
            case "pending": self = .pending
            case "processing": self = .processing
            case "completed": self = .completed
            case "failed": self = .failed
            default: self = .other(text)
            }
        }

        /// The job will not change any more.
        package var isFinished: Bool {
            switch self {
            case .completed, .failed: return true
            default: return false
            }
        }
    }

    package var id: String
    package var type: String?
    package var status: Status
    package var format: String?
    package var connectionID: String?
    package var connection: String?
    package var createdAt: String?
    package var percentageDone: Int?
    package var timeLeftSeconds: Int?
    package var fields: [ExportField]?
    /// When completed: the signed, short-lived (60 s) link to the gzip file.
    package var location: SignedURL?

    private enum CodingKeys: String, CodingKey {
        case id, type, status, format, connection, fields, location
        case connectionID = "connection_id"
        case createdAt = "created_at"
        case percentageDone = "percentage_done"
        case timeLeftSeconds = "time_left_seconds"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        status = try container.decode(Status.self, forKey: .status)
        format = try container.decodeIfPresent(String.self, forKey: .format)
        connectionID = try container.decodeIfPresent(String.self, forKey: .connectionID)
        connection = try container.decodeIfPresent(String.self, forKey: .connection)
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
        percentageDone = Self.lenientInt(container, .percentageDone)
        timeLeftSeconds = Self.lenientInt(container, .timeLeftSeconds)
        fields = try? container.decodeIfPresent([ExportField].self, forKey: .fields)
        location = try container.decodeIfPresent(String.self, forKey: .location).map(SignedURL.init)
    }

    private static func lenientInt(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> Int? {
        if let value = try? container.decodeIfPresent(Int.self, forKey: key) { return value }
        if let value = try? container.decodeIfPresent(Double.self, forKey: key) { return Int(value) }
        return nil
    }
}

/// The body of `POST /jobs/users-exports`.
struct UsersExportRequest: Encodable {
    var connectionID: String?
    var format: ExportFormat
    var limit: Int?
    var fields: [ExportField]

    private enum CodingKeys: String, CodingKey {
        case connectionID = "connection_id"
        case format, limit, fields
    }
}
