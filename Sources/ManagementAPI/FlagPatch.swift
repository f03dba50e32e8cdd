import Foundation

/// Which metadata object of a user holds the flag.
package enum MetadataContainer: String, Sendable, Equatable, Hashable, CaseIterable {
    /// `app_metadata`: not editable by end users; writable with `update:users_app_metadata`.
    case appMetadata = "app_metadata"
    /// `user_metadata`: needs `update:users`.
    case userMetadata = "user_metadata"
}

/// The only PATCH body mfa-rollout sends: one key of one metadata object, e.g.
/// `{"app_metadata":{"use_mfa":true}}`. A nil value deletes the key (`{"app_metadata":{"use_mfa":null}}`).
///
/// Auth0 merges metadata at the first level, so sending a single key never touches the user's
/// other metadata; an empty object (which would WIPE the metadata) cannot be built.
package struct FlagPatch: Sendable, Equatable, Hashable, CustomStringConvertible {
    package let container: MetadataContainer
    package let key: String
    /// `true`/`false`, or nil to delete the key.
    package let value: Bool?

    /// - Throws: ``ManagementAPIError/invalidRequest(reason:)`` when `key` is empty or contains
    ///   `.` or `$` (Auth0 rejects those in metadata key names).
    package init(container: MetadataContainer, key: String, value: Bool?) throws(ManagementAPIError) {
        guard !key.isEmpty else { throw .invalidRequest(reason: "a metadata key may not be empty") }
        guard !key.contains("."), !key.contains("$") else {
            throw .invalidRequest(reason: "metadata key '\(key)' contains '.' or '$', which Auth0 rejects")
        }
        self.container = container
        self.key = key
        self.value = value
    }

    /// The JSON value sent for the key.
    package var jsonValue: JSONValue {
        value.map(JSONValue.bool) ?? .null
    }

    /// The body as JSON: `{"app_metadata":{"use_mfa":true}}`.
    package func jsonBody() -> [UInt8] {
        let body: [String: [String: JSONValue]] = [container.rawValue: [key: jsonValue]]
        // Encoding a dictionary of strings, booleans and null cannot fail.
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Array(data)
    }

    package var description: String {
        "\(container.rawValue).\(key) = \(value.map(String.init) ?? "null (delete)")"
    }
}
