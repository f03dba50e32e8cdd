/// Which export columns hold the user id, the email and the connection.
public struct ColumnMap: Sendable, Hashable, Codable {
    public var userID: String
    public var email: String
    public var connection: String

    /// `user_id`, `email`, `identities[0].connection`.
    public static let `default` = ColumnMap(userID: "user_id", email: "email", connection: "identities[0].connection")

    public init(userID: String, email: String, connection: String) {
        self.userID = userID
        self.email = email
        self.connection = connection
    }
}
