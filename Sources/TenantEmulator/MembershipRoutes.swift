import Hummingbird

/// Roles and organizations under `/api/v2`: reads with Auth0's offset and checkpoint paging
/// (``MembershipPaging``), and Auth0's own write endpoints, so a test sets a tenant up the way
/// one sets up Auth0. Bodies and queries are checked against ``MembershipRequests`` first.
enum MembershipRoutes {
    /// The operations, as Auth0's spec names their paths.
    static let operations: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/roles"),
        (.post, "/roles"),
        (.get, "/roles/{id}/users"),
        (.post, "/roles/{id}/users"),
        (.post, "/organizations"),
        (.get, "/organizations/name/{name}"),
        (.get, "/organizations/{id}"),
        (.get, "/organizations/{id}/members"),
        (.post, "/organizations/{id}/members"),
    ]

    static let inexistentRole = Auth0ErrorBody(
        status: .notFound, message: "The role does not exist.", errorCode: "inexistent_role")
    static let inexistentOrganization = Auth0ErrorBody(
        status: .notFound, message: "No organization found by that id or name", errorCode: "inexistent_organization")

    static func add(to router: Router<EmulatorContext>, tenant: Tenant) {
        let api = router.group("/api/v2")
        let memberships = tenant.memberships

        api.getAndHead("/roles") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:roles"])
            let query = try request.query(checkedAgainst: MembershipRequests.listRoles)
            try MembershipRequests.checkBounds(query)
            let roles = await memberships.roles(nameFilter: query["name_filter"]?.stringValue)
            let byID = Dictionary(roles.map { ($0.id, $0.json) }, uniquingKeysWith: { first, _ in first })
            return Response.json(
                try await MembershipPaging.answer(roles.map(\.id), query: query, key: "roles", checkpoint: false) {
                    $0.compactMap { byID[$0] }
                })
        }

        api.post("/roles") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["create:roles"])
            var request = request
            let body = try SchemaValidator.validate(
                try await request.content(typedBy: MembershipRequests.createRole),
                against: MembershipRequests.createRole,
                in: .body)
            let name = body["name"]?.stringValue ?? ""
            guard let role = await memberships.createRole(name: name, description: body["description"]?.stringValue)
            else {
                throw Auth0ErrorBody(
                    status: .conflict, message: "Role with this name already exists", errorCode: "role_conflict")
            }
            return Response.json(role.json)
        }

        api.getAndHead("/roles/:id/users") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:users", "read:roles", "read:role_members"])
            let id = try request.decodedParameter("id", context: context)
            let query = try request.query(checkedAgainst: MembershipRequests.listRoleUsers)
            try MembershipRequests.checkBounds(query)
            guard let role = await memberships.role(id: id) else { throw inexistentRole }
            return Response.json(
                try await MembershipPaging.answer(role.users, query: query, key: "users") {
                    await people($0, store: tenant.store)
                })
        }

        api.post("/roles/:id/users") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["update:roles", "create:role_members"])
            let id = try request.decodedParameter("id", context: context)
            var request = request
            let body = try SchemaValidator.validate(
                try await request.content(typedBy: MembershipRequests.assignRoleUsers),
                against: MembershipRequests.assignRoleUsers, in: .body)
            let users = try MembershipRequests.userIDs(body["users"], name: "users")
            guard await memberships.assign(roleID: id, users: users) else { throw inexistentRole }
            return Response(status: .ok)
        }

        api.post("/organizations") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["create:organizations", "create:organization_connections"])
            var request = request
            let body = try SchemaValidator.validate(
                try await request.content(typedBy: MembershipRequests.createOrganization),
                against: MembershipRequests.createOrganization, in: .body)
            try MembershipRequests.checkOrganizationMetadata(body["metadata"])
            let name = body["name"]?.stringValue ?? ""
            guard
                let organization = await memberships.createOrganization(
                    name: name, displayName: body["display_name"]?.stringValue)
            else {
                throw Auth0ErrorBody(
                    status: .conflict, message: "An organization with this name already exists.",
                    errorCode: "organization_conflict")
            }
            return Response.json(organization.json, status: .created)
        }

        api.getAndHead("/organizations/name/:name") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:organizations"])
            let name = try request.decodedParameter("name", context: context)
            guard !name.isEmpty, name.count <= 50 else {
                throw Auth0ErrorBody.badRequest(
                    "Path validation error: the name must be 1 to 50 characters", errorCode: "invalid_uri")
            }
            guard let organization = await memberships.organization(name: name) else { throw inexistentOrganization }
            return Response.json(organization.json)
        }

        api.getAndHead("/organizations/:id") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:organizations", "read:organizations_summary"])
            let id = try request.decodedParameter("id", context: context)
            guard let organization = await memberships.organization(id: id) else { throw inexistentOrganization }
            return Response.json(organization.json)
        }

        api.getAndHead("/organizations/:id/members") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:organization_members"])
            let id = try request.decodedParameter("id", context: context)
            let query = try request.query(checkedAgainst: MembershipRequests.listMembers)
            try MembershipRequests.checkBounds(query, pageLimit: 1000)
            guard let organization = await memberships.organization(id: id) else { throw inexistentOrganization }
            return Response.json(
                try await MembershipPaging.answer(organization.members, query: query, key: "members") {
                    await people($0, store: tenant.store)
                })
        }

        api.post("/organizations/:id/members") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["create:organization_members"])
            let id = try request.decodedParameter("id", context: context)
            var request = request
            let body = try SchemaValidator.validate(
                try await request.content(typedBy: MembershipRequests.createMembers),
                against: MembershipRequests.createMembers, in: .body)
            let members = try MembershipRequests.userIDs(body["members"], name: "members", minimum: 1)
            guard await memberships.addMembers(organizationID: id, users: members) else {
                throw inexistentOrganization
            }
            return Response(status: .noContent)
        }
    }

    /// The users as role users and organization members are listed: `user_id`, `email`, `name`,
    /// `picture` where the user has them. Ids of users that no longer exist are left out.
    static func people(_ ids: [String], store: TenantStore) async -> [JSONValue] {
        var out: [JSONValue] = []
        out.reserveCapacity(ids.count)
        for id in ids {
            guard let user = await store.user(id: id) else { continue }
            var fields: [String: JSONValue] = ["user_id": .string(id)]
            for name in ["email", "name", "picture"] {
                if let value = user.fields[name], case .string = value { fields[name] = value }
            }
            out.append(.object(fields))
        }
        return out
    }
}
