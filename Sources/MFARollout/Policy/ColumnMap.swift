/// Which export columns hold the user id, the email and the connection.
package struct ColumnMap: Sendable, Hashable, Codable {
    package var userID: String
    package var email: String
    package var connection: String

    /// `user_id`, `email`, `identities[0].connection`.
    package static let `default` = ColumnMap(userID: "user_id", email: "email", connection: "identities[0].connection")

    package init(userID: String, email: String, connection: String) {
        self.userID = userID
        self.email = email
        self.connection = connection
    }
}
