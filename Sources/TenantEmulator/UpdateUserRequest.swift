/// The body of `PATCH /api/v2/users/{id}`: the spec's `UpdateUserRequestContent`, with Auth0's
/// real refusals of unknown properties and of an empty body (both listed exceptions in
/// `scripts/conformance/spec/exceptions.json`).
enum UpdateUserRequest {
    static let schema = ObjectSchema(
        specName: "UpdateUserRequestContent",
        properties: [
            ("blocked", .init([.boolean])),
            ("email_verified", .init([.boolean])),
            ("email", .init([.string, .null], format: "email")),
            ("phone_number", .init([.string, .null], pattern: #"^\+[0-9]{1,15}$"#)),
            ("phone_verified", .init([.boolean])),
            ("user_metadata", .init([.object])),
            ("app_metadata", .init([.object])),
            ("given_name", .init([.string, .null], minLength: 1, maxLength: 150)),
            ("family_name", .init([.string, .null], minLength: 1, maxLength: 150)),
            ("name", .init([.string, .null], minLength: 1, maxLength: 300)),
            ("nickname", .init([.string, .null], minLength: 1, maxLength: 300)),
            ("picture", .init([.string, .null], format: "strict-uri")),
            ("verify_email", .init([.boolean], writeOnly: true)),
            ("verify_phone_number", .init([.boolean], writeOnly: true)),
            ("password", .init([.string, .null], minLength: 1, writeOnly: true)),
            ("connection", .init([.string], minLength: 1, writeOnly: true)),
            ("client_id", .init([.string], minLength: 1, writeOnly: true)),
            ("username", .init([.string, .null], minLength: 1, maxLength: 128)),
        ],
        additionalProperties: false,
        minProperties: 1,
        readOnly: [
            "user_id", "created_at", "updated_at", "identities", "multifactor", "multifactor_last_modified",
            "last_ip", "last_login", "last_password_reset", "logins_count",
        ]
    )

    /// The fields a request named, and the patch to apply: the body checked against
    /// ``schema`` and Auth0's metadata rules, without its write-only fields.
    static func patch(from body: JSONValue) throws(Auth0ErrorBody) -> (touched: Set<String>, patch: UserPatch) {
        var members = try SchemaValidator.validate(body, against: schema, in: .body)
        let touched = Set(members.keys)
        for name in schema.writeOnly { members[name] = nil }
        do {
            return (touched, try UserPatch(checked: members))
        } catch {
            throw Auth0ErrorBody.badRequest(error.message)
        }
    }
}
