import Testing

@testable import TenantEmulator

@Suite("Rate limits over the wire")
struct RateLimitTests {
    @Test("x-ratelimit-* and Date on every Management API answer, 2xx, 4xx and 429; 429 with Auth0's body")
    func headersEverywhere() async throws {
        let clock = ManualClock(start: 2_000_000_000)
        try await withEmulator({
            $0.clock = clock
            $0.limits = RateLimitPlan(global: .init(burst: 3, perSecond: 1))
        }) { h in
            let token = try await h.token()
            let answers = [
                try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token),
                try await h.send(.GET, "/api/v2/users/auth0%7Cnobody", token: token),
                try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: nil),
                try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token),
            ]
            #expect(answers.map(\.status) == [200, 404, 401, 429])
            #expect(answers.map { $0.header("x-ratelimit-limit") } == ["3", "3", "3", "3"])
            #expect(answers.map { $0.header("x-ratelimit-remaining") } == ["2", "1", "0", "0"])
            #expect(answers.map { $0.header("x-ratelimit-reset") } == Array(repeating: "2000000001", count: 4))
            #expect(answers.allSatisfy { $0.header("date") != nil })
            #expect(
                answers[3].json == [
                    "statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached",
                    "errorCode": "too_many_requests",
                ])

            clock.advance(by: 1)
            let after = try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token)
            #expect(after.status == 200)
            #expect(after.header("x-ratelimit-remaining") == "0")
        }
    }

    @Test("A rejected PATCH changes nothing")
    func rejectedPatch() async throws {
        let clock = ManualClock()
        try await withEmulator({
            $0.clock = clock
            $0.limits = .free
        }) { h in
            let token = try await h.token()
            let path = "/api/v2/users/" + encodedID(Fixtures.samlID)
            _ = try await h.send(.GET, path, token: token)
            _ = try await h.send(.GET, path, token: token)
            let refused = try await h.send(.PATCH, path, token: token, json: ["app_metadata": ["use_mfa": true]])
            #expect(refused.status == 429)
            #expect(await h.store.user(id: Fixtures.samlID) == Fixtures.users[1])
        }
    }

    @Test("Essentials: user writes and reads have separate buckets")
    func essentials() async throws {
        try await withEmulator({
            $0.clock = ManualClock()
            $0.limits = .essentials
        }) { h in
            let token = try await h.token()
            let read = try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token)
            #expect(read.header("x-ratelimit-limit") == "40")
            let write = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token, json: ["app_metadata": ["x": 1]])
            #expect(write.header("x-ratelimit-limit") == "20")
            #expect(write.header("x-ratelimit-remaining") == "19")
            let job = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token, json: ["fields": [["name": "user_id"]]])
            #expect(job.header("x-ratelimit-limit") == "10")
        }
    }

    @Test("Admin routes, downloads and the token endpoint are not rate-limited")
    func adminNotLimited() async throws {
        try await withEmulator({
            $0.clock = ManualClock()
            $0.limits = RateLimitPlan(global: .init(burst: 1, perSecond: 0.001))
        }) { h in
            for _ in 0..<3 {
                let answer = try await h.send(.GET, "/__emulator/users")
                #expect(answer.status == 200)
                #expect(answer.header("x-ratelimit-limit") == nil)
                _ = try await h.token()
            }
        }
    }

    @Test("Without --limits every Management API answer still carries x-ratelimit-* headers, from the default plan")
    func defaultPlan() async throws {
        let clock = ManualClock(start: 2_000_000_000)
        try await withEmulator({ $0.clock = clock }) { h in
            let token = try await h.token()
            let answers = [
                try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token),
                try await h.send(.GET, "/api/v2/users/auth0%7Cnobody", token: token),
                try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: nil),
                try await h.send(
                    .PATCH, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token,
                    json: ["app_metadata": ["use_mfa": true]]),
                try await h.send(.POST, "/api/v2/jobs/users-exports", token: token, json: ["format": "csv"]),
                try await h.send(.GET, "/api/v2/clients", token: token),
            ]
            #expect(answers.map(\.status) == [200, 404, 401, 200, 201, 404])
            #expect(answers.map { $0.header("x-ratelimit-limit") } == Array(repeating: "1000", count: 6))
            #expect(answers.map { $0.header("x-ratelimit-remaining") } == ["999", "998", "997", "996", "995", "994"])
            #expect(answers.map { $0.header("x-ratelimit-reset") } == Array(repeating: "2000000001", count: 6))
            #expect(answers.allSatisfy { $0.header("date") != nil })
        }
    }
}
