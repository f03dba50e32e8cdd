/// Where on the Auth0 user the MFA flag lives: `app_metadata.use_mfa` or `user_metadata.X`.
package struct FlagLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The metadata object that holds the flag.
    package enum Container: String, Sendable, Hashable, Codable, CaseIterable {
        case appMetadata = "app_metadata"
        case userMetadata = "user_metadata"
    }

    package var container: Container
    /// The key inside the container: non-empty, without `.` or `$` (Auth0 forbids both in metadata keys).
    package var key: String

    /// The default, `app_metadata.use_mfa`.
    package static let `default` = FlagLocation(container: .appMetadata, key: "use_mfa")

    package init(container: Container, key: String) {
        self.container = container
        self.key = key
    }

    /// Parses `app_metadata.X` or `user_metadata.X`; nil when the text is not one of those
    /// or X is empty or contains `.` or `$`.
    package init?(parsing text: String) {
        guard let dot = text.firstIndex(of: ".") else { return nil }
        guard let container = Container(rawValue: String(text[..<dot])) else { return nil }
        let key = String(text[text.index(after: dot)...])
        guard Self.isValidKey(key) else { return nil }
        self.init(container: container, key: key)
    }

    /// A metadata key Auth0 accepts: non-empty, no `.`, no `$`.
    package static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && !key.contains(".") && !key.contains("$")
    }

    /// `app_metadata.use_mfa`
    package var description: String { "\(container.rawValue).\(key)" }
}
