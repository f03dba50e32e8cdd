import Foundation
import MFARollout
import ManagementAPI

/// Why a membership file could not be made.
package enum MembershipFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No role has exactly this name; `similar` are the roles whose name contains it.
    case unknownRole(name: String, similar: [String])
    /// No organization has this name (or id, for `org_…`).
    case unknownOrganization(String)
    case api(ManagementAPIError)
    case cannotWrite(path: String, reason: String)

    package var description: String {
        switch self {
        case .unknownRole(let name, let similar):
            "no role is named '\(name)'"
                + (similar.isEmpty ? "" : " (roles whose name contains it: \(similar.joined(separator: ", ")))")
        case .unknownOrganization(let name):
            "no organization is named '\(name)'"
                + (name.hasPrefix("org_") ? " or has that id" : " (give its name, or its id org_…)")
        case .api(let error): "\(error)"
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        }
    }
}

/// Reads who holds the named roles and who belongs to the named organizations, and writes them
/// as the membership file `plan --members` reads: CSV `user_id,kind,name`, one row per user per
/// role or organization (`kind` is `role` or `organization`, `name` the role's or
/// organization's name). Written atomically; nothing is written when any read fails.
package struct MembershipFetch: Sendable {
    /// What one role or organization brought.
    package struct Group: Sendable, Equatable {
        package var kind: MembershipKind
        package var name: String
        package var id: String
        package var users: [String]
    }

    package var roles: [String]
    /// Names, or ids (`org_…`).
    package var organizations: [String]

    package init(roles: [String], organizations: [String]) {
        self.roles = roles
        self.organizations = organizations
    }

    /// Resolves and reads every role and organization, in the order given.
    package func fetch(
        client: ManagementClient, onGroup: (@Sendable (Group) -> Void)? = nil
    ) async throws(MembershipFetchError) -> [Group] {
        var groups: [Group] = []
        do {
            for name in roles {
                let found = try await client.findRoles(nameFilter: name)
                guard let role = found.first(where: { $0.name == name }) else {
                    throw MembershipFetchError.unknownRole(name: name, similar: found.map(\.name))
                }
                let users = try await client.roleUsers(roleID: role.id)
                let group = Group(kind: .role, name: role.name, id: role.id, users: users)
                onGroup?(group)
                groups.append(group)
            }
            for nameOrID in organizations {
                var organization = try await client.organization(named: nameOrID)
                if organization == nil, nameOrID.hasPrefix("org_") {
                    organization = try await client.organization(id: nameOrID)
                }
                guard let organization else { throw MembershipFetchError.unknownOrganization(nameOrID) }
                let users = try await client.organizationMembers(organizationID: organization.id)
                let group = Group(kind: .organization, name: organization.name, id: organization.id, users: users)
                onGroup?(group)
                groups.append(group)
            }
        } catch let error as MembershipFetchError {
            throw error
        } catch let error as ManagementAPIError {
            throw .api(error)
        } catch {
            // Only the two above are thrown in the block.
            throw .api(.invalidRequest(reason: "\(error)"))
        }
        return groups
    }

    /// The membership file's bytes for `groups`.
    package static func csv(_ groups: [Group]) -> [UInt8] {
        var writer = CSVWriter(neutralizeFormulas: false)
        // Writing to memory cannot fail.
        try? writer.writeRow(["user_id", "kind", "name"])
        for group in groups {
            for user in group.users { try? writer.writeRow([user, group.kind.rawValue, group.name]) }
        }
        return writer.bytes
    }

    /// Writes `groups` to `path` atomically.
    package static func write(_ groups: [Group], to path: String) throws(MembershipFetchError) {
        do {
            try AtomicFile.write(csv(groups), to: path)
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
    }
}
