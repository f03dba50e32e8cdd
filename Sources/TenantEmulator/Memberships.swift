import Foundation

/// The tenant's roles and organizations, and who holds or belongs to each: what
/// `/api/v2/roles…` and `/api/v2/organizations…` serve.
package actor Memberships {
    /// A role and its users, in the order they were assigned.
    package struct Role: Sendable, Equatable {
        package var id: String
        package var name: String
        package var description: String?
        package var users: [String] = []

        var json: JSONValue {
            var members: [String: JSONValue] = ["id": .string(id), "name": .string(name)]
            if let description { members["description"] = .string(description) }
            return .object(members)
        }
    }

    /// An organization and its members, in the order they were added.
    package struct Organization: Sendable, Equatable {
        package var id: String
        package var name: String
        package var displayName: String?
        package var members: [String] = []

        var json: JSONValue {
            var fields: [String: JSONValue] = ["id": .string(id), "name": .string(name)]
            if let displayName { fields["display_name"] = .string(displayName) }
            return .object(fields)
        }
    }

    private var roles: [Role] = []
    private var organizations: [Organization] = []

    package init(seed: MembershipSeed = MembershipSeed()) {
        for role in seed.roles {
            roles.append(Role(id: Self.newID("rol_"), name: role.name, description: nil, users: role.users))
        }
        for organization in seed.organizations {
            organizations.append(
                Organization(
                    id: Self.newID("org_"), name: organization.name, displayName: nil, members: organization.users))
        }
    }

    static func newID(_ prefix: String) -> String { prefix + RandomToken.alphanumeric(16) }

    // MARK: Roles

    /// Creates a role; nil when one of that name exists (Auth0 answers 409).
    package func createRole(name: String, description: String?) -> Role? {
        guard !roles.contains(where: { $0.name == name }) else { return nil }
        let role = Role(id: Self.newID("rol_"), name: name, description: description)
        roles.append(role)
        return role
    }

    /// Roles whose name contains `nameFilter` (case-insensitive), in creation order.
    package func roles(nameFilter: String?) -> [Role] {
        guard let filter = nameFilter?.lowercased(), !filter.isEmpty else { return roles }
        return roles.filter { $0.name.lowercased().contains(filter) }
    }

    package func role(id: String) -> Role? { roles.first { $0.id == id } }

    /// Assigns the role to `users` (again assigning an existing holder changes nothing);
    /// false when there is no such role.
    package func assign(roleID: String, users: [String]) -> Bool {
        guard let index = roles.firstIndex(where: { $0.id == roleID }) else { return false }
        for user in users where !roles[index].users.contains(user) { roles[index].users.append(user) }
        return true
    }

    // MARK: Organizations

    /// Creates an organization; nil when one of that name exists (Auth0 answers 409).
    package func createOrganization(name: String, displayName: String?) -> Organization? {
        guard !organizations.contains(where: { $0.name == name }) else { return nil }
        let organization = Organization(id: Self.newID("org_"), name: name, displayName: displayName)
        organizations.append(organization)
        return organization
    }

    package func organization(id: String) -> Organization? { organizations.first { $0.id == id } }

    package func organization(name: String) -> Organization? { organizations.first { $0.name == name } }

    /// Adds members; false when there is no such organization.
    package func addMembers(organizationID: String, users: [String]) -> Bool {
        guard let index = organizations.firstIndex(where: { $0.id == organizationID }) else { return false }
        for user in users where !organizations[index].members.contains(user) {
            organizations[index].members.append(user)
        }
        return true
    }
}

/// Roles and organizations a tenant starts with: names and the user ids they hold.
package struct MembershipSeed: Sendable, Equatable {
    package struct Group: Sendable, Equatable {
        package var name: String
        package var users: [String]

        package init(name: String, users: [String]) {
            self.name = name
            self.users = users
        }
    }

    package var roles: [Group] = []
    package var organizations: [Group] = []

    package init(roles: [Group] = [], organizations: [Group] = []) {
        self.roles = roles
        self.organizations = organizations
    }

    /// No roles and no organizations.
    package var isEmpty: Bool { roles.isEmpty && organizations.isEmpty }

    /// What generated users imply: the role `admin` held by every user whose
    /// `app_metadata.roles` lists `admin`, and the organization `acme` of every user with an
    /// `@acme.example` email (the `acme-saml` connection's).
    package static func derived(from users: some Sequence<User>) -> MembershipSeed {
        var admins: [String] = []
        var acme: [String] = []
        for user in users {
            if case .array(let roles)? = user.appMetadata["roles"], roles.contains(.string("admin")) {
                admins.append(user.id)
            }
            if case .string(let email)? = user.fields["email"], email.hasSuffix("@acme.example") {
                acme.append(user.id)
            }
        }
        return MembershipSeed(
            roles: [Group(name: "admin", users: admins)], organizations: [Group(name: "acme", users: acme)])
    }
}
