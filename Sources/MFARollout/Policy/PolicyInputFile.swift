/// A file the policy was built from, with its digest, so a plan can name exactly what it used.
package struct PolicyInputFile: Sendable, Hashable, Codable {
    package enum Kind: String, Sendable, Hashable, Codable {
        case policy
        case allowList = "allow-list"
        case denyList = "deny-list"
        /// The membership file of `plan --members`.
        case members
    }

    package var kind: Kind
    /// The path as resolved (list files: relative to the policy file's directory).
    package var path: String
    /// Lowercase hex SHA-256 of the file's bytes.
    package var sha256: String

    package init(kind: Kind, path: String, sha256: String) {
        self.kind = kind
        self.path = path
        self.sha256 = sha256
    }
}
