/// A file the policy was built from, with its digest, so a plan can name exactly what it used.
public struct PolicyInputFile: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case policy
        case allowList = "allow-list"
        case denyList = "deny-list"
    }

    public var kind: Kind
    /// The path as resolved (list files: relative to the policy file's directory).
    public var path: String
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String

    public init(kind: Kind, path: String, sha256: String) {
        self.kind = kind
        self.path = path
        self.sha256 = sha256
    }
}
