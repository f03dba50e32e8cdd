import Testing

@testable import TenantEmulator

/// `PATCH /api/v2/users/{id}` refuses what Auth0 refuses, and `GET` answers what Auth0 answers.
@Suite("Users: Auth0's validation and field selection")
struct UserValidationTests {
    static let path = "/api/v2/users/" + encodedID(Fixtures.auth0ID)

    @Test(
        "A profile field of the wrong JSON type: 400 invalid_body, nothing stored",
        arguments: [
            ["email": [:]] as JSONValue, ["blocked": "yes"], ["email_verified": 1], ["name": 5], ["phone_number": true],
            ["username": ["a"]], ["app_metadata": "x"], ["user_metadata": [1]], ["verify_email": "no"],
        ])
    func wrongType(body: JSONValue) async throws {
        try await withEmulator { h in
            let answer = try await h.send(.PATCH, Self.path, token: try await h.token(), json: body)
            #expect(answer.status == 400)
            #expect(answer.json["statusCode"] == 400)
            #expect(answer.json["error"] == "Bad Request")
            #expect(answer.json["errorCode"] == "invalid_body")
            #expect(answer.json["message"]?.stringValue?.hasPrefix("Payload validation error: 'Expected type ") == true)
            #expect(await h.store.user(id: Fixtures.auth0ID) == Fixtures.users[0])
        }
    }

    @Test("The wrong-type message names the types and the property, as Auth0 does")
    func wrongTypeMessage() async throws {
        try await withEmulator { h in
            let answer = try await h.send(.PATCH, Self.path, token: try await h.token(), json: ["blocked": "yes"])
            #expect(
                answer.json == [
                    "statusCode": 400, "error": "Bad Request", "errorCode": "invalid_body",
                    "message":
                        "Payload validation error: 'Expected type boolean but found type string' on property blocked.",
                ])
        }
    }

    @Test(
        "Unknown and read-only properties: 400 'Additional properties not allowed'",
        arguments: [
            "foo", "user_id", "created_at", "updated_at", "logins_count", "identities", "last_login", "multifactor",
        ])
    func unknownOrReadOnly(name: String) async throws {
        try await withEmulator { h in
            let answer = try await h.send(
                .PATCH, Self.path, token: try await h.token(), json: .object([name: "x", "name": "Z"]))
            #expect(answer.status == 400)
            #expect(
                answer.json["message"]
                    == .string("Payload validation error: 'Additional properties not allowed: \(name)'."))
            #expect(answer.json["errorCode"] == "invalid_body")
            #expect(await h.store.user(id: Fixtures.auth0ID) == Fixtures.users[0])
        }
    }

    @Test("Write-only fields are accepted, never stored and never answered")
    func writeOnly() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let body: JSONValue = [
                "password": "hunter2", "connection": "Username-Password-Authentication", "client_id": "abc123",
                "verify_email": false, "verify_phone_number": false, "name": "Ada L",
            ]
            let patched = try await h.send(.PATCH, Self.path, token: token, json: body)
            #expect(patched.status == 200)
            #expect(patched.json["name"] == "Ada L")
            let read = try await h.send(.GET, Self.path, token: token)
            for answer in [patched, read] {
                #expect(!answer.text.contains("hunter2"))
                for field in ["password", "connection", "client_id", "verify_email", "verify_phone_number"] {
                    #expect(answer.json[field] == nil, "\(field) answered")
                }
            }
            let stored = try #require(await h.store.user(id: Fixtures.auth0ID))
            #expect(stored.fields["password"] == nil)
            #expect(stored.fields["connection"] == nil)
        }
    }

    @Test(
        "Patterns, lengths and formats from the spec: 400",
        arguments: [
            ["phone_number": "555-1234"] as JSONValue, ["name": ""],
            ["name": .string(String(repeating: "n", count: 301))],
            ["given_name": .string(String(repeating: "g", count: 151))],
            ["username": .string(String(repeating: "u", count: 129))],
            ["email": "not-an-email"], ["password": ""], ["connection": ""],
        ])
    func constraints(body: JSONValue) async throws {
        try await withEmulator { h in
            let answer = try await h.send(.PATCH, Self.path, token: try await h.token(), json: body)
            #expect(answer.status == 400)
            #expect(answer.json["errorCode"] == "invalid_body")
            #expect(answer.json["message"]?.stringValue?.hasPrefix("Payload validation error: ") == true)
        }
    }

    @Test("Values within the spec are accepted, null clears a nullable field")
    func accepted() async throws {
        try await withEmulator { h in
            let body: JSONValue = [
                "phone_number": "+15551234", "name": .string(String(repeating: "n", count: 300)),
                "email": "ada+1@example.com",
                "blocked": true, "email_verified": true, "nickname": .null, "app_metadata": ["use_mfa": true],
            ]
            let answer = try await h.send(.PATCH, Self.path, token: try await h.token(), json: body)
            #expect(answer.status == 200)
            #expect(answer.json["phone_number"] == "+15551234")
            #expect(answer.json["blocked"] == true)
            #expect(answer.json["nickname"] == nil)
        }
    }

    @Test("GET honours fields and include_fields")
    func fields() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let some = try await h.send(.GET, Self.path + "?fields=email,name", token: token)
            #expect(some.status == 200)
            #expect(some.json == ["email": "ada@example.com", "name": "Ada \"The Countess\" Lovelace"])
            let included = try await h.send(
                .GET, Self.path + "?fields=user_id%2Capp_metadata&include_fields=true", token: token)
            #expect(
                included.json == [
                    "user_id": .string(Fixtures.auth0ID),
                    "app_metadata": ["use_mfa": false, "roles": ["admin"], "team": "core"],
                ])
            let excluded = try await h.send(
                .GET, Self.path + "?fields=app_metadata,user_metadata,identities&include_fields=false", token: token)
            var rest = Fixtures.users[0].fields
            for name in ["app_metadata", "user_metadata", "identities"] { rest[name] = nil }
            #expect(excluded.json == .object(rest))
            let all = try await h.send(.GET, Self.path + "?fields=", token: token)
            #expect(all.json == Fixtures.users[0].json)
        }
    }

    @Test("A non-boolean include_fields: 400 invalid_query_string")
    func badIncludeFields() async throws {
        try await withEmulator { h in
            let answer = try await h.send(
                .GET, Self.path + "?fields=email&include_fields=maybe", token: try await h.token())
            #expect(answer.status == 400)
            #expect(
                answer.json == [
                    "statusCode": 400, "error": "Bad Request", "errorCode": "invalid_query_string",
                    "message":
                        "Query validation error: 'Expected type boolean but found type string' on property include_fields.",
                ])
        }
    }

    @Test(
        "auth0-custom-domain: 400 invalid_headers outside the spec's lengths, ignored within them",
        arguments: [
            ("ab", 400), (String(repeating: "d", count: 256), 400), ("login.example.com", 200),
        ])
    func customDomain(value: String, status: Int) async throws {
        try await withEmulator { h in
            let answer = try await h.send(
                .PATCH, Self.path, token: try await h.token(), json: ["name": "Z"],
                headers: [("auth0-custom-domain", value)])
            #expect(answer.status == status)
            if status == 400 { #expect(answer.json["errorCode"] == "invalid_headers") }
        }
    }
}
