import Foundation
import Testing

@testable import TenantEmulator

/// Roles, organizations and their members, set up with Auth0's own write endpoints and read
/// back with its two kinds of paging.
@Suite("Roles and organizations")
struct MembershipRoutesTests {
    static func users(_ count: Int) -> [User] {
        (0..<count).map { index in
            User(fields: [
                "user_id": .string("auth0|member-\(index)"), "email": .string("m\(index)@example.com"),
                "name": .string("Member \(index)"), "updated_at": "2025-02-02T03:04:05.000Z",
            ])
        }
    }

    @Test("POST /roles, POST /roles/{id}/users, then GET /roles?name_filter and the role's users")
    func roles() async throws {
        try await withEmulator(users: Fixtures.users) { h in
            let token = try await h.token()
            let created = try await h.send(
                .POST, "/api/v2/roles", token: token, json: ["name": "admin", "description": "Administrators"])
            #expect(created.status == 200)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.json["name"] == "admin")
            let duplicate = try await h.send(.POST, "/api/v2/roles", token: token, json: ["name": "admin"])
            #expect(duplicate.status == 409)
            _ = try await h.send(.POST, "/api/v2/roles", token: token, json: ["name": "billing-admin"])
            let unknownKey = try await h.send(
                .POST, "/api/v2/roles", token: token, json: ["name": "x", "color": "red"])
            #expect(unknownKey.status == 400)

            let assigned = try await h.send(
                .POST, "/api/v2/roles/\(id)/users", token: token,
                json: ["users": [.string(Fixtures.auth0ID), .string(Fixtures.samlID)]])
            #expect(assigned.status == 200)
            let missing = try await h.send(
                .POST, "/api/v2/roles/rol_nope/users", token: token, json: ["users": [.string(Fixtures.auth0ID)]])
            #expect(missing.status == 404 && missing.json["errorCode"] == "inexistent_role")

            // A page whose offset overflows an Int: an empty page (the emulator trapped before).
            let far = try await h.send(.GET, "/api/v2/roles?page=185392316031122336", token: token)
            #expect(far.status == 200 && far.json == .array([]))
            let found = try await h.send(.GET, "/api/v2/roles?name_filter=ADMIN", token: token)
            #expect(found.json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["admin", "billing-admin"])
            let users = try await h.send(.GET, "/api/v2/roles/\(id)/users?take=1", token: token)
            #expect(users.json["users"]?.arrayValue?.first?["user_id"] == .string(Fixtures.auth0ID))
            #expect(users.json["users"]?.arrayValue?.first?["email"] == "ada@example.com")
            let next = try #require(users.json["next"]?.stringValue)
            let last = try await h.send(.GET, "/api/v2/roles/\(id)/users?take=1&from=\(next)", token: token)
            #expect(last.json["users"]?.arrayValue?.first?["user_id"] == .string(Fixtures.samlID))
            #expect(last.json["next"] == nil, "no next on the last page")
        }
    }

    @Test("Without the role scopes: 403")
    func scopes() async throws {
        try await withEmulator(users: Fixtures.users, { $0.scopes = ["read:users"] }) { h in
            let token = try await h.token()
            #expect(try await h.send(.GET, "/api/v2/roles", token: token).status == 403)
            #expect(
                try await h.send(.POST, "/api/v2/organizations", token: token, json: ["name": "acme"]).status == 403)
        }
    }

    @Test(
        "Organizations: POST, by name and by id, members with checkpoint paging past 1,000 and offset paging refused there"
    )
    func organizations() async throws {
        let users = Self.users(1_050)
        try await withEmulator(users: users) { h in
            let token = try await h.token()
            let created = try await h.send(
                .POST, "/api/v2/organizations", token: token, json: ["name": "acme", "display_name": "Acme"])
            #expect(created.status == 201)
            let id = try #require(created.json["id"]?.stringValue)
            let byName = try await h.send(.GET, "/api/v2/organizations/name/acme", token: token)
            #expect(byName.json["id"] == .string(id) && byName.json["display_name"] == "Acme")
            #expect(try await h.send(.GET, "/api/v2/organizations/\(id)", token: token).json["name"] == "acme")
            #expect(try await h.send(.GET, "/api/v2/organizations/name/nope", token: token).status == 404)
            let tooLong = String(repeating: "a", count: 51)
            #expect(try await h.send(.GET, "/api/v2/organizations/name/\(tooLong)", token: token).status == 400)

            for start in stride(from: 0, to: users.count, by: 500) {
                let batch = users[start..<min(start + 500, users.count)].map { JSONValue.string($0.id) }
                let added = try await h.send(
                    .POST, "/api/v2/organizations/\(id)/members", token: token, json: ["members": .array(batch)])
                #expect(added.status == 204)
            }
            let empty = try await h.send(
                .POST, "/api/v2/organizations/\(id)/members", token: token, json: ["members": []])
            #expect(empty.status == 400)

            // Checkpoint: every member once, in order, 100 at a time.
            var seen: [String] = []
            var from: String?
            var pages = 0
            repeat {
                let query = "take=100" + (from.map { "&from=\($0)" } ?? "")
                let page = try await h.send(.GET, "/api/v2/organizations/\(id)/members?\(query)", token: token)
                #expect(page.status == 200)
                seen += page.json["members"]?.arrayValue?.compactMap { $0["user_id"]?.stringValue } ?? []
                from = page.json["next"]?.stringValue
                pages += 1
            } while from != nil && pages < 20
            #expect(pages == 11)
            #expect(seen == users.map(\.id))

            // Offset: fine within the first 1,000, refused beyond.
            let totals = try await h.send(
                .GET, "/api/v2/organizations/\(id)/members?page=9&per_page=100&include_totals=true", token: token)
            #expect(totals.json["total"] == 1050 && totals.json["members"]?.arrayValue?.count == 100)
            let beyond = try await h.send(
                .GET, "/api/v2/organizations/\(id)/members?page=10&per_page=100", token: token)
            #expect(beyond.status == 400)
            #expect(try await h.send(.GET, "/api/v2/organizations/\(id)/members?take=101", token: token).status == 400)
            #expect(
                try await h.send(.GET, "/api/v2/organizations/\(id)/members?from=garbage", token: token).status == 400)
        }
    }

    @Test("The configuration seeds roles and organizations")
    func seeded() async throws {
        try await withEmulator(
            users: Fixtures.users,
            {
                $0.memberships = MembershipSeed(
                    roles: [.init(name: "admin", users: [Fixtures.auth0ID])],
                    organizations: [.init(name: "acme", users: [Fixtures.samlID, Fixtures.slashID])])
            }
        ) { h in
            let token = try await h.token()
            let roles = try await h.send(.GET, "/api/v2/roles?name_filter=admin", token: token)
            let roleID = try #require(roles.json.arrayValue?.first?["id"]?.stringValue)
            let users = try await h.send(.GET, "/api/v2/roles/\(roleID)/users?take=50", token: token)
            #expect(users.json["users"]?.arrayValue?.count == 1)
            let acme = try await h.send(.GET, "/api/v2/organizations/name/acme", token: token)
            let orgID = try #require(acme.json["id"]?.stringValue)
            let members = try await h.send(.GET, "/api/v2/organizations/\(orgID)/members", token: token)
            #expect(
                members.json.arrayValue?.compactMap { $0["user_id"]?.stringValue } == [
                    Fixtures.samlID, Fixtures.slashID,
                ])
        }
    }
}
