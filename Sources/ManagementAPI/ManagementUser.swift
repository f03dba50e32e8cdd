/// A user object as the Management API returns it, kept whole as JSON with typed accessors for
/// the fields mfa-rollout reads.
package struct ManagementUser: Sendable, Equatable, Decodable {
    /// Every field of the user object.
    package var fields: [String: JSONValue]

    package init(fields: [String: JSONValue]) {
        self.fields = fields
    }

    package init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    /// `user_id`, e.g. `auth0|63d17c4bdf1ce171262c7e93`.
    package var userID: String? { fields["user_id"]?.stringValue }
    package var email: String? { fields["email"]?.stringValue }
    /// `app_metadata`; empty when absent.
    package var appMetadata: [String: JSONValue] { fields["app_metadata"]?.objectValue ?? [:] }
    /// `user_metadata`; empty when absent.
    package var userMetadata: [String: JSONValue] { fields["user_metadata"]?.objectValue ?? [:] }
    /// `updated_at` as sent (ISO-8601 text).
    package var updatedAt: String? { fields["updated_at"]?.stringValue }

    /// The metadata object named by `container`.
    package func metadata(_ container: MetadataContainer) -> [String: JSONValue] {
        switch container {
        case .appMetadata: return appMetadata
        case .userMetadata: return userMetadata
        }
    }

    /// The value of `key` in `container`: `true`/`false`, nil when absent or not a boolean.
    package func flag(_ container: MetadataContainer, key: String) -> Bool? {
        metadata(container)[key]?.boolValue
    }
}
