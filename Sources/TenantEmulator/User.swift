/// One user of the emulated tenant: the JSON object `GET /api/v2/users/{id}` answers.
package struct User: Sendable, Hashable, Codable {
    /// Every field of the user, `user_id` included.
    package var fields: [String: JSONValue]

    /// Wraps a user object; `fields["user_id"]` must be a string.
    package init(fields: [String: JSONValue]) {
        self.fields = fields
    }

    package init(from decoder: any Decoder) throws {
        self.fields = try [String: JSONValue](from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        try fields.encode(to: encoder)
    }

    /// The user's id, e.g. `samlp|my-connection|jane@example.com`.
    package var id: String { fields["user_id"]?.stringValue ?? "" }

    /// `app_metadata`, empty when absent.
    package var appMetadata: [String: JSONValue] { fields["app_metadata"]?.objectValue ?? [:] }

    /// `user_metadata`, empty when absent.
    package var userMetadata: [String: JSONValue] { fields["user_metadata"]?.objectValue ?? [:] }

    /// The user as one JSON value.
    package var json: JSONValue { .object(fields) }

    /// The value at an export field path: `email`, `app_metadata.use_mfa`,
    /// `user_metadata.consent.given`, `identities[0].connection`. Nil when any step is missing.
    package func value(atPath path: String) -> JSONValue? {
        var current: JSONValue = .object(fields)
        for step in FieldPath.steps(path) {
            switch step {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard case .array(let items) = current, items.indices.contains(index) else { return nil }
                current = items[index]
            }
        }
        return current
    }
}

/// Splits an export field path into keys and array indices.
enum FieldPath {
    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    /// `identities[0].connection` → key identities, index 0, key connection.
    static func steps(_ path: String) -> [Step] {
        var steps: [Step] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                let key = rest[..<bracket]
                if !key.isEmpty { steps.append(.key(String(key))) }
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    let inner = rest[rest.index(after: rest.startIndex)..<close]
                    if let index = Int(inner) { steps.append(.index(index)) } else { steps.append(.key(String(inner))) }
                    rest = rest[rest.index(after: close)...]
                }
                if !rest.isEmpty { steps.append(.key(String(rest))) }
            } else {
                steps.append(.key(String(rest)))
            }
        }
        return steps
    }
}
