/// Which export columns hold the user id, the email and the connection, and (when named)
/// whether the user has enrolled an MFA factor.
package struct ColumnMap: Sendable, Hashable, Codable {
    package var userID: String
    package var email: String
    package var connection: String
    /// `columns.enrolled`: a column that is non-empty when the user has enrolled a factor
    /// (Auth0 exports `multifactor[0]`); nil when the policy names none.
    package var enrolled: String? = nil

    /// The Auth0 export field that says whether a user has enrolled: `multifactor[0]`.
    package static let auth0EnrolledField = "multifactor[0]"

    /// `user_id`, `email`, `identities[0].connection`.
    package static let `default` = ColumnMap(userID: "user_id", email: "email", connection: "identities[0].connection")

    package init(userID: String, email: String, connection: String) {
        self.userID = userID
        self.email = email
        self.connection = connection
    }
}
