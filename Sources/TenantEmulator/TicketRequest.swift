/// The body of `POST /api/v2/guardian/enrollments/ticket`: the spec's
/// `CreateGuardianEnrollmentTicketRequestContent`.
struct TicketRequest: Sendable, Equatable {
    static let schema = ObjectSchema(
        specName: "CreateGuardianEnrollmentTicketRequestContent",
        properties: [
            ("user_id", .init([.string], format: "user-id")),
            ("email", .init([.string], format: "email")),
            ("send_mail", .init([.boolean])),
            ("email_locale", .init([.string])),
            (
                "factor",
                .init(
                    [.string],
                    allowed: ["push-notification", "phone", "email", "otp", "webauthn-roaming", "webauthn-platform"])
            ),
            ("allow_multiple_enrollments", .init([.boolean])),
        ],
        required: ["user_id"],
        additionalProperties: false
    )

    var userID: String
    /// Where the enrollment email goes instead of the user's address.
    var email: String?
    /// Whether Auth0 emails the ticket; default true.
    var sendMail: Bool
    var emailLocale: String?
    /// The factor the user must enroll.
    var factor: String?
    var allowMultipleEnrollments: Bool?

    /// A body checked against ``schema`` (the user's existence is the caller's to check).
    init(body: JSONValue) throws(Auth0ErrorBody) {
        let members = try SchemaValidator.validate(body, against: Self.schema, in: .body)
        userID = members["user_id"]?.stringValue ?? ""
        email = members["email"]?.stringValue
        sendMail = members["send_mail"]?.boolValue ?? true
        emailLocale = members["email_locale"]?.stringValue
        factor = members["factor"]?.stringValue
        allowMultipleEnrollments = members["allow_multiple_enrollments"]?.boolValue
    }
}
