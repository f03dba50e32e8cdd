import NIOHTTP1
import Testing

@testable import TenantEmulator

@Suite("GET and PATCH /api/v2/users/{id}")
struct UserRoutesTests {
    @Test(
        "Ids with pipes, @ and an encoded / resolve to one user",
        arguments: [
            Fixtures.auth0ID, Fixtures.samlID, Fixtures.slashID,
        ])
    func encodedIDs(id: String) async throws {
        try await withEmulator { h in
            let answer = try await h.send(.GET, "/api/v2/users/" + encodedID(id), token: try await h.token())
            #expect(answer.status == 200)
            #expect(answer.json["user_id"] == .string(id))
        }
    }

    @Test("An unencoded / splits the path: that route does not exist")
    func rawSlash() async throws {
        try await withEmulator { h in
            let answer = try await h.send(.GET, "/api/v2/users/oidc%7Ccorp/okta%7C00u1", token: try await h.token())
            #expect(answer.status == 404)
            #expect(answer.json == ["statusCode": 404, "error": "Not Found", "message": "Not Found"])
        }
    }

    @Test("Unknown user: 404 inexistent_user")
    func unknownUser() async throws {
        try await withEmulator { h in
            let answer = try await h.send(.GET, "/api/v2/users/auth0%7Cnobody", token: try await h.token())
            #expect(answer.status == 404)
            #expect(
                answer.json == [
                    "statusCode": 404, "error": "Not Found", "message": "The user does not exist.",
                    "errorCode": "inexistent_user",
                ])
            let patch = try await h.send(
                .PATCH, "/api/v2/users/auth0%7Cnobody", token: try await h.token(),
                json: ["app_metadata": ["use_mfa": true]])
            #expect(patch.json["errorCode"] == "inexistent_user")
        }
    }

    @Test(
        "Unknown routes answer 404 in the same shape", arguments: ["/api/v2/clients", "/nothing/here", "/api/v2/users"])
    func unknownRoutes(path: String) async throws {
        try await withEmulator { h in
            let answer = try await h.send(.GET, path, token: try await h.token())
            #expect(answer.status == 404)
            #expect(answer.json["statusCode"] == 404)
            #expect(answer.json["error"] == "Not Found")
        }
    }

    @Test("PATCH merges app_metadata, returns the full user, moves updated_at and logs changed")
    func patchMerges() async throws {
        let clock = ManualClock()
        try await withEmulator({ $0.clock = clock }) { h in
            let path = "/api/v2/users/" + encodedID(Fixtures.auth0ID)
            let answer = try await h.send(
                .PATCH, path, token: try await h.token(), json: ["app_metadata": ["use_mfa": true]],
                headers: [("X-Correlation-ID", "op-42")])
            #expect(answer.status == 200)
            #expect(answer.json["app_metadata"] == ["use_mfa": true, "roles": ["admin"], "team": "core"])
            #expect(answer.json["email"] == "ada@example.com")
            #expect(answer.json["user_metadata"] == ["consent": ["given": true], "lang": "en"])
            #expect(answer.json["updated_at"] == .string(Timestamp.iso8601(clock.now())))
            let stored = await h.store.user(id: Fixtures.auth0ID)
            #expect(stored?.json == answer.json)
            let log = await h.store.requests().filter { $0.method == "PATCH" }
            #expect(log.count == 1)
            #expect(log.first?.path == path)
            #expect(log.first?.changed == true)
            #expect(log.first?.status == 200)
            #expect(log.first?.correlationID == "op-42")
        }
    }

    @Test("Re-sending the same PATCH answers 200, moves updated_at, and logs changed: false")
    func idempotentPatch() async throws {
        let clock = ManualClock()
        try await withEmulator({ $0.clock = clock }) { h in
            let token = try await h.token()
            let path = "/api/v2/users/" + encodedID(Fixtures.samlID)
            _ = try await h.send(.PATCH, path, token: token, json: ["app_metadata": ["use_mfa": true]])
            clock.advance(by: 5)
            let again = try await h.send(.PATCH, path, token: token, json: ["app_metadata": ["use_mfa": true]])
            #expect(again.status == 200)
            #expect(again.json["updated_at"] == .string(Timestamp.iso8601(clock.now())))
            let changes = await h.store.requests().filter { $0.method == "PATCH" }.map(\.changed)
            #expect(changes == [true, false])
        }
    }

    @Test("null deletes a metadata key, {} wipes metadata, through the wire")
    func nullAndWipe() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let path = "/api/v2/users/" + encodedID(Fixtures.auth0ID)
            let deleted = try await h.send(.PATCH, path, token: token, json: ["app_metadata": ["roles": .null]])
            #expect(deleted.json["app_metadata"] == ["use_mfa": false, "team": "core"])
            let wiped = try await h.send(.PATCH, path, token: token, json: ["app_metadata": [:]])
            #expect(wiped.json["app_metadata"] == [:])
            #expect(wiped.json["user_metadata"] == ["consent": ["given": true], "lang": "en"])
        }
    }

    @Test(
        "Bad bodies: 400 invalid_body",
        arguments: [
            #"{"app_metadata":{"use.mfa":true}}"#, #"{"app_metadata":{"$x":1}}"#, "{}", "not json", "[1]",
        ])
    func badBody(body: String) async throws {
        try await withEmulator { h in
            let answer = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.auth0ID),
                headers: [("Authorization", "Bearer " + (try await h.token())), ("Content-Type", "application/json")],
                body: Array(body.utf8)
            )
            #expect(answer.status == 400)
            #expect(answer.json["statusCode"] == 400)
            #expect(answer.json["error"] == "Bad Request")
            #expect(answer.json["errorCode"] == "invalid_body")
            #expect(answer.json["message"]?.stringValue?.isEmpty == false)
            let stored = await h.store.user(id: Fixtures.auth0ID)
            #expect(stored == Fixtures.users[0])
        }
    }

    @Test("A body over 1 MB is refused with 413")
    func largeBody() async throws {
        try await withEmulator { h in
            let big = JSONValue.object(["app_metadata": ["blob": .string(String(repeating: "x", count: 1_100_000))]])
            let answer = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: try await h.token(), json: big)
            #expect(answer.status == 413)
            #expect(answer.json["statusCode"] == 413)
        }
    }

    @Test("update:users_app_metadata may touch app_metadata only")
    func appMetadataScope() async throws {
        try await withEmulator({ $0.scopes = ["update:users_app_metadata"] }) { h in
            let token = try await h.token()
            let path = "/api/v2/users/" + encodedID(Fixtures.auth0ID)
            #expect(
                try await h.send(.PATCH, path, token: token, json: ["app_metadata": ["use_mfa": true]]).status == 200)
            for body: JSONValue in [["user_metadata": ["a": 1]], ["app_metadata": ["use_mfa": true], "name": "x"]] {
                let answer = try await h.send(.PATCH, path, token: token, json: body)
                #expect(answer.status == 403)
                #expect(
                    answer.json == [
                        "statusCode": 403, "error": "Forbidden",
                        "message": "Insufficient scope, expected any of: update:users",
                        "errorCode": "insufficient_scope",
                    ])
            }
            let read = try await h.send(.GET, path, token: token)
            #expect(read.status == 403)
            #expect(read.json["message"] == "Insufficient scope, expected any of: read:users")
        }
    }

    @Test("Without an update scope, PATCH gets Auth0's 403 body")
    func noUpdateScope() async throws {
        try await withEmulator({ $0.scopes = ["read:users"] }) { h in
            let answer = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: try await h.token(),
                json: ["app_metadata": ["use_mfa": true]])
            #expect(answer.status == 403)
            #expect(
                answer.json == [
                    "statusCode": 403, "error": "Forbidden",
                    "message": "Insufficient scope, expected any of: update:users,update:users_app_metadata",
                    "errorCode": "insufficient_scope",
                ])
        }
    }

    @Test("update:users may change user_metadata and top-level fields")
    func updateUsersScope() async throws {
        try await withEmulator({ $0.scopes = ["update:users"] }) { h in
            let answer = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.slashID), token: try await h.token(),
                json: ["user_metadata": ["a": 1], "name": "Z"])
            #expect(answer.status == 200)
            #expect(answer.json["user_metadata"] == ["a": 1])
            #expect(answer.json["name"] == "Z")
        }
    }

    @Test("A method not served on a served path: 405 with Allow, in Auth0's error shape")
    func methodNotAllowed() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            for (method, path, allow) in [
                (HTTPMethod.PUT, "/api/v2/users/" + encodedID(Fixtures.auth0ID), "GET, HEAD, OPTIONS, PATCH"),
                (.DELETE, "/api/v2/users/auth0%7Cnobody", "GET, HEAD, OPTIONS, PATCH"),
                (.OPTIONS, "/api/v2/users/x/enrollments", "GET, HEAD, OPTIONS"),
                (.GET, "/api/v2/jobs/users-exports", "OPTIONS, POST"),
                (.POST, "/api/v2/jobs/job_x", "GET, HEAD, OPTIONS"),
                (.GET, "/oauth/token", "OPTIONS, POST"),
            ] {
                let answer = try await h.send(method, path, token: token)
                #expect(answer.status == 405, "\(method) \(path)")
                #expect(answer.header("allow") == allow, "\(method) \(path)")
                #expect(
                    answer.json == ["statusCode": 405, "error": "Method Not Allowed", "message": "Method Not Allowed"])
            }
            let unknown = try await h.send(.PUT, "/api/v2/clients/x", token: token)
            #expect(unknown.status == 404)
        }
    }
}
