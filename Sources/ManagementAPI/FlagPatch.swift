import Foundation

/// Which metadata object of a user holds the flag.
package enum MetadataContainer: String, Sendable, Equatable, Hashable, CaseIterable {
    /// `app_metadata`: not editable by end users; writable with `update:users_app_metadata`.
    case appMetadata = "app_metadata"
    /// `user_metadata`: needs `update:users`.
    case userMetadata = "user_metadata"
}

/// The only PATCH body mfa-rollout sends: the flag's key, e.g.
/// `{"app_metadata":{"use_mfa":true}}`, and with a ``source`` the key that marks the flag as the
/// rollout's, in the same request (`{"app_metadata":{"use_mfa":true,"use_mfa_source":"mfa-rollout"}}`).
/// A nil value deletes the key (`{"app_metadata":{"use_mfa":null}}`).
///
/// Auth0 merges metadata at the first level, so sending a single key never touches the user's
/// other metadata; an empty object (which would WIPE the metadata) cannot be built.
package struct FlagPatch: Sendable, Equatable, Hashable, CustomStringConvertible {
    package let container: MetadataContainer
    package let key: String
    /// `true`/`false`, or nil to delete the key.
    package let value: Bool?
    /// The source key written with the flag, if any.
    package let source: Source?

    /// A second key written in the same PATCH: a string, or nil to delete it.
    package struct Source: Sendable, Equatable, Hashable {
        package let container: MetadataContainer
        package let key: String
        package let value: String?

        /// - Throws: ``ManagementAPIError/invalidRequest(reason:)`` for a key Auth0 rejects.
        package init(container: MetadataContainer, key: String, value: String?) throws(ManagementAPIError) {
            try FlagPatch.check(key)
            self.container = container
            self.key = key
            self.value = value
        }
    }

    /// - Throws: ``ManagementAPIError/invalidRequest(reason:)`` when `key` is empty or contains
    ///   `.` or `$` (Auth0 rejects those in metadata key names).
    package init(
        container: MetadataContainer, key: String, value: Bool?, source: Source? = nil
    ) throws(ManagementAPIError) {
        try Self.check(key)
        if let source, source.container == container, source.key == key {
            throw .invalidRequest(reason: "the source key '\(key)' is the flag's own key")
        }
        self.container = container
        self.key = key
        self.value = value
        self.source = source
    }

    static func check(_ key: String) throws(ManagementAPIError) {
        guard !key.isEmpty else { throw .invalidRequest(reason: "a metadata key may not be empty") }
        guard !key.contains("."), !key.contains("$") else {
            throw .invalidRequest(reason: "metadata key '\(key)' contains '.' or '$', which Auth0 rejects")
        }
    }

    /// The JSON value sent for the key.
    package var jsonValue: JSONValue {
        value.map(JSONValue.bool) ?? .null
    }

    /// The body as a value: metadata object → key → value.
    package var jsonObject: [String: [String: JSONValue]] {
        var body: [String: [String: JSONValue]] = [container.rawValue: [key: jsonValue]]
        if let source {
            body[source.container.rawValue, default: [:]][source.key] = source.value.map(JSONValue.string) ?? .null
        }
        return body
    }

    /// The body as JSON: `{"app_metadata":{"use_mfa":true}}`, keys sorted.
    package func jsonBody() -> [UInt8] {
        let body = jsonObject
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding a dictionary of strings, booleans and null cannot fail.
        let data = (try? encoder.encode(body)) ?? Data()
        return Array(data)
    }

    package var description: String {
        var text = "\(container.rawValue).\(key) = \(value.map(String.init) ?? "null (delete)")"
        if let source {
            text += ", \(source.container.rawValue).\(source.key) = "
            text += source.value.map { "\"\($0)\"" } ?? "null (delete)"
        }
        return text
    }
}
