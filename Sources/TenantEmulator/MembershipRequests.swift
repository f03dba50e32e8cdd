/// The bodies and query strings of the role and organization operations, as tables drawn from
/// Auth0's spec (`SpecSubsetTests` and `MembershipSpecTests` hold them equal to it).
enum MembershipRequests {
    /// `POST /roles`.
    static let createRole = ObjectSchema(
        specName: "CreateRoleRequestContent",
        properties: [("name", .init([.string])), ("description", .init([.string]))],
        required: ["name"])

    /// `POST /roles/{id}/users`.
    static let assignRoleUsers = ObjectSchema(
        specName: "AssignRoleUsersRequestContent",
        properties: [("users", .init([.array]))],
        required: ["users"])

    /// An item of `enabled_connections` in `POST /organizations`.
    static let connectionForOrganization = ObjectSchema(
        specName: "ConnectionForOrganization",
        properties: [
            ("connection_id", .init([.string])),
            ("assign_membership_on_login", .init([.boolean])),
            ("show_as_button", .init([.boolean])),
            ("is_signup_enabled", .init([.boolean])),
        ],
        required: ["connection_id"])

    /// `POST /organizations`, without `branding` and `token_quota`, which the emulator does
    /// not model: refused as unknown properties (exception `organization-branding-not-modelled`).
    static let createOrganization = ObjectSchema(
        specName: "CreateOrganizationRequestContent",
        properties: [
            ("name", .init([.string], minLength: 1, maxLength: 50, format: "organization-name")),
            ("display_name", .init([.string], minLength: 1, maxLength: 255)),
            ("metadata", .init([.object])),
            ("enabled_connections", .init([.array], items: connectionForOrganization)),
        ],
        required: ["name"])

    /// `POST /organizations/{id}/members`.
    static let createMembers = ObjectSchema(
        specName: "CreateOrganizationMemberRequestContent",
        properties: [("members", .init([.array]))],
        required: ["members"],
        additionalProperties: true)

    /// `GET /roles`.
    static let listRoles = ObjectSchema(
        specName: "get_roles",
        properties: [
            ("per_page", .init([.integer], minimum: 1)),
            ("page", .init([.integer], minimum: 0)),
            ("include_totals", .init([.boolean])),
            ("name_filter", .init([.string])),
        ],
        additionalProperties: true)

    /// `GET /roles/{id}/users`.
    static let listRoleUsers = ObjectSchema(
        specName: "get_role_user",
        properties: [
            ("per_page", .init([.integer], minimum: 1)),
            ("page", .init([.integer], minimum: 0)),
            ("include_totals", .init([.boolean])),
            ("from", .init([.string])),
            ("take", .init([.integer], minimum: 1)),
        ],
        additionalProperties: true)

    /// `GET /organizations/{id}/members`.
    static let listMembers = ObjectSchema(
        specName: "get_organization_members",
        properties: [
            ("page", .init([.integer], minimum: 0)),
            ("per_page", .init([.integer], minimum: 1)),
            ("include_totals", .init([.boolean])),
            ("from", .init([.string])),
            ("take", .init([.integer], minimum: 1)),
            ("fields", .init([.string])),
            ("include_fields", .init([.boolean])),
        ],
        additionalProperties: true)

    /// The spec's `maximum` of these query parameters (the tables carry no maximum): 100.
    static let pageSizeLimit = 100

    /// Refuses `per_page` or `take` above ``pageSizeLimit`` and `page` above `pageLimit`.
    static func checkBounds(_ query: [String: JSONValue], pageLimit: Int? = nil) throws(Auth0ErrorBody) {
        for name in ["per_page", "take"] {
            if let value = MembershipPaging.int(query[name]), value > pageSizeLimit {
                throw Auth0ErrorBody.badRequest(
                    "Query validation error: '\(value)' is more than the maximum of \(pageSizeLimit) in \(name)",
                    errorCode: "invalid_query_string")
            }
        }
        if let pageLimit, let page = MembershipPaging.int(query["page"]), page > pageLimit {
            throw Auth0ErrorBody.badRequest(
                "Query validation error: '\(page)' is more than the maximum of \(pageLimit) in page",
                errorCode: "invalid_query_string")
        }
    }

    /// `metadata` of `POST /organizations` as the spec's `OrganizationMetadata` has it: at most
    /// 25 properties, each a string of at most 255 characters, or null.
    static func checkOrganizationMetadata(_ value: JSONValue?) throws(Auth0ErrorBody) {
        guard case .object(let members)? = value else { return }
        guard members.count <= 25 else {
            throw Auth0ErrorBody.badRequest(
                "Payload validation error: 'Too many properties defined (\(members.count)), must be at most 25' on property metadata."
            )
        }
        for (name, member) in members {
            switch member {
            case .null: continue
            case .string(let text) where text.unicodeScalars.count <= 255: continue
            case .string(let text):
                throw Auth0ErrorBody.badRequest(
                    "Payload validation error: 'String is too long (\(text.unicodeScalars.count) chars), maximum 255' on property metadata.\(name)."
                )
            default:
                throw Auth0ErrorBody.badRequest(
                    "Payload validation error: 'Expected type string but found another type' on property metadata.\(name)."
                )
            }
        }
    }

    /// The strings of an array member (`users`, `members`), at least `minimum` of them.
    static func userIDs(_ value: JSONValue?, name: String, minimum: Int = 0) throws(Auth0ErrorBody) -> [String] {
        guard case .array(let items)? = value else {
            throw Auth0ErrorBody.badRequest("Payload validation error: '\(name)' must be an array")
        }
        var ids: [String] = []
        for item in items {
            guard case .string(let id) = item else {
                throw Auth0ErrorBody.badRequest("Payload validation error: every item of '\(name)' must be a user id")
            }
            ids.append(id)
        }
        guard ids.count >= minimum else {
            throw Auth0ErrorBody.badRequest(
                "Payload validation error: '\(name)' must have at least \(minimum) item\(minimum == 1 ? "" : "s")")
        }
        return ids
    }
}
