import ArgumentParser
import Foundation
import ManagementAPI
import Rollout

/// `mfa-rollout members`: who holds roles and who belongs to organizations, as the file
/// `plan --members` reads.
struct MembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "Write who holds the given roles and belongs to the given organizations, for plan --members.",
        discussion: """
            Auth0's user export cannot carry roles or organization memberships; this command reads \
            them from the Management API (GET /api/v2/roles?name_filter=, /roles/{id}/users, \
            /organizations/name/{name} or /organizations/{id}, /organizations/{id}/members; \
            checkpoint pagination, through the same rate limiter and retries as apply) and writes \
            CSV user_id,kind,name: one row per user per role (kind role) or organization (kind \
            organization), named as in the tenant. The file is written only when every read \
            succeeded. Scopes: read:roles, read:role_members (or read:users), read:organizations, \
            read:organization_members.

            Exit codes: 0 written, 1 error (an unknown role or organization, a failed read; nothing written).
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(
        name: .customLong("role"),
        help: ArgumentHelp("A role, by its exact name (repeat for several).", valueName: "name"))
    var roles: [String] = []

    @Option(
        name: .customLong("organization"),
        help: ArgumentHelp("An organization, by name or id org_… (repeat for several).", valueName: "name-or-id"))
    var organizations: [String] = []

    @Option(help: ArgumentHelp("Where to write the CSV.", valueName: "members.csv"))
    var out: String

    func validate() throws {
        if roles.isEmpty && organizations.isEmpty {
            throw ValidationError("give at least one --role NAME or --organization NAME_OR_ID")
        }
        if let empty = (roles + organizations).first(where: { $0.isEmpty }) {
            throw ValidationError("an empty --role or --organization ('\(empty)')")
        }
    }

    func run() async throws {
        let settings: ConnectionSettings
        do {
            settings = try connection.settings()
            _ = try settings.endpoint()
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
        let fetch = MembershipFetch(roles: roles, organizations: organizations)
        do {
            let groups = try await ManagementConnection.with(settings, scope: .readUsers) { connection in
                try await fetch.fetch(client: connection.client) { group in
                    Terminal.note("\(group.kind.rawValue) \(group.name) (\(group.id)): \(group.users.count) user(s)")
                }
            }
            try MembershipFetch.write(groups, to: out)
            let rows = groups.reduce(0) { $0 + $1.users.count }
            Terminal.standardOutput("Wrote \(out): \(rows) row(s) for \(groups.count) role(s) and organization(s).\n")
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
    }
}
