import Testing

@testable import TenantEmulator

@Suite("The /__emulator admin surface")
struct AdminRoutesTests {
    @Test("GET /__emulator/users lists every user as GET /api/v2/users/{id} returns it")
    func users() async throws {
        try await withEmulator { h in
            let answer = try await h.send(.GET, "/__emulator/users")
            #expect(answer.status == 200)
            #expect(answer.json == .array(Fixtures.users.map(\.json)))
            let one = try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.slashID), token: try await h.token())
            #expect(answer.json.arrayValue?[2] == one.json)
        }
    }

    @Test("POST /__emulator/users adds and replaces users, or patches them with ?mode=patch")
    func postUsers() async throws {
        try await withEmulator { h in
            let added = try await h.send(
                .POST, "/__emulator/users", token: nil, json: [["user_id": "auth0|new", "email": "new@example.com"]])
            #expect(added.status == 200)
            #expect(await h.store.user(id: "auth0|new")?.fields["email"] == "new@example.com")
            _ = try await h.send(
                .POST, "/__emulator/users", token: nil,
                json: ["user_id": .string(Fixtures.auth0ID), "email": "only@example.com"])
            #expect(
                await h.store.user(id: Fixtures.auth0ID)?.fields == [
                    "user_id": .string(Fixtures.auth0ID), "email": "only@example.com",
                ])
            let patched = try await h.send(
                .POST, "/__emulator/users?mode=patch", token: nil,
                json: ["user_id": .string(Fixtures.samlID), "app_metadata": ["use_mfa": false]])
            #expect(patched.status == 200)
            #expect(await h.store.user(id: Fixtures.samlID)?.appMetadata == ["use_mfa": false])
            #expect(await h.store.user(id: Fixtures.samlID)?.fields["email"] == "jane@example.com")
            let bad = try await h.send(.POST, "/__emulator/users", token: nil, json: [["email": "x"]])
            #expect(bad.status == 400)
            #expect(await h.store.allUsers().count == 4)
        }
    }

    @Test("The request log holds method, raw path, status, time, changed, correlation_id; admin calls are not in it")
    func requestLog() async throws {
        let clock = ManualClock()
        try await withEmulator({ $0.clock = clock }) { h in
            let token = try await h.token()
            let path = "/api/v2/users/" + encodedID(Fixtures.slashID)
            _ = try await h.send(.GET, path, token: token, headers: [("X-Correlation-ID", "read-1")])
            _ = try await h.send(.GET, "/__emulator/users")
            let log = try await h.send(.GET, "/__emulator/requests")
            #expect(
                log.json == [
                    [
                        "method": "POST", "path": "/oauth/token", "status": 200,
                        "time": .string(Timestamp.iso8601(clock.now())), "changed": false, "correlation_id": .null,
                        "dropped": false,
                    ],
                    [
                        "method": "GET", "path": .string(path), "status": 200,
                        "time": .string(Timestamp.iso8601(clock.now())), "changed": false, "correlation_id": "read-1",
                        "dropped": false,
                    ],
                ])
            #expect(path.contains("%2F"))
            let cleared = try await h.send(.DELETE, "/__emulator/requests")
            #expect(cleared.status == 204)
            #expect(try await h.send(.GET, "/__emulator/requests").json == [])
        }
    }

    @Test("changed is false for a 4xx PATCH")
    func changedOnError() async throws {
        try await withEmulator { h in
            _ = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: try await h.token(),
                json: ["app_metadata": ["a.b": 1]])
            let entry = await h.store.requests().last
            #expect(entry?.status == 400)
            #expect(entry?.changed == false)
        }
    }
}
