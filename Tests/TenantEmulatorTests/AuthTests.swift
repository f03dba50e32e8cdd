import Foundation
import Testing

@testable import TenantEmulator

@Suite("POST /oauth/token")
struct AuthTests {
    static func form(_ fields: [(String, String)]) -> [UInt8] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Array(
            fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
                .utf8)
    }

    @Test("Form-encoded client credentials give a Bearer token with scopes and expires_in")
    func formGrant() async throws {
        try await withEmulator { h in
            let answer = try await h.send(
                .POST, "/oauth/token",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Self.form([
                    ("grant_type", "client_credentials"), ("client_id", "emulator-client"),
                    ("client_secret", "emulator-secret"), ("audience", h.emulator.apiURL + "/"),
                ])
            )
            #expect(answer.status == 200)
            #expect(answer.json["token_type"] == "Bearer")
            #expect(answer.json["expires_in"] == 86_400)
            #expect(
                answer.json["scope"]
                    == .string(EmulatorConfiguration.defaultScopes.joined(separator: " ")))
            #expect(
                EmulatorConfiguration.defaultScopes.prefix(10) == [
                    "read:users", "update:users", "update:users_app_metadata", "create:guardian_enrollment_tickets",
                    "read:guardian_factors", "read:mfa_policies", "read:actions", "read:rules", "create:actions",
                    "update:actions",
                ])
            #expect(EmulatorConfiguration.defaultScopes.contains("read:organization_members"))
            let token = try #require(answer.json["access_token"]?.stringValue)
            let user = try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token)
            #expect(user.status == 200)
        }
    }

    @Test("A JSON body works too, with localhost naming the loopback emulator")
    func jsonGrant() async throws {
        try await withEmulator { h in
            let body: JSONValue = [
                "grant_type": "client_credentials", "client_id": "emulator-client", "client_secret": "emulator-secret",
                "audience": .string("http://localhost:\(h.emulator.port)/api/v2/"),
            ]
            let answer = try await h.send(.POST, "/oauth/token", token: nil, json: body)
            #expect(answer.status == 200)
            #expect(answer.json["access_token"]?.stringValue?.isEmpty == false)
        }
    }

    @Test(
        "A wrong secret or client id gets 401 access_denied and nothing of what was sent",
        arguments: [
            ("emulator-client", "hunter2-wrong"), ("someone-else-7", "emulator-secret"),
        ])
    func wrongCredentials(clientID: String, secret: String) async throws {
        try await withEmulator { h in
            let answer = try await h.send(
                .POST, "/oauth/token",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Self.form([
                    ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret),
                    ("audience", h.emulator.apiURL + "/"),
                ])
            )
            #expect(answer.status == 401)
            #expect(answer.json == ["error": "access_denied", "error_description": "Unauthorized"])
            #expect(!answer.text.contains("hunter2"))
            #expect(!answer.text.contains("someone-else"))
        }
    }

    @Test("Configured credentials replace the defaults")
    func configuredCredentials() async throws {
        try await withEmulator({
            $0.clientID = "ci"
            $0.clientSecret = "cs"
            $0.scopes = ["read:users"]
        }) { h in
            let ok = try await h.send(
                .POST, "/oauth/token", token: nil,
                json: [
                    "grant_type": "client_credentials", "client_id": "ci", "client_secret": "cs",
                    "audience": .string(h.emulator.apiURL + "/"),
                ]
            )
            #expect(ok.status == 200)
            #expect(ok.json["scope"] == "read:users")
            let old = try await h.send(
                .POST, "/oauth/token", token: nil,
                json: [
                    "grant_type": "client_credentials", "client_id": "emulator-client",
                    "client_secret": "emulator-secret", "audience": .string(h.emulator.apiURL + "/"),
                ]
            )
            #expect(old.status == 401)
        }
    }

    @Test("Another audience is refused with 403 access_denied")
    func wrongAudience() async throws {
        try await withEmulator { h in
            let answer = try await h.send(
                .POST, "/oauth/token", token: nil,
                json: [
                    "grant_type": "client_credentials", "client_id": "emulator-client",
                    "client_secret": "emulator-secret", "audience": "https://tenant.auth0.com/api/v2/",
                ]
            )
            #expect(answer.status == 403)
            #expect(answer.json["error"] == "access_denied")
        }
    }

    @Test("Audience matching: path /api/v2, same port, loopback names interchangeable")
    func audienceMatching() {
        #expect(AuthRoutes.audienceMatches("http://127.0.0.1:8787/api/v2/", authority: "127.0.0.1:8787"))
        #expect(AuthRoutes.audienceMatches("http://localhost:8787/api/v2", authority: "127.0.0.1:8787"))
        #expect(!AuthRoutes.audienceMatches("http://127.0.0.1:8788/api/v2/", authority: "127.0.0.1:8787"))
        #expect(!AuthRoutes.audienceMatches("http://127.0.0.1:8787/api/v1/", authority: "127.0.0.1:8787"))
        #expect(!AuthRoutes.audienceMatches("http://example.com:8787/api/v2/", authority: "127.0.0.1:8787"))
    }

    @Test("Tokens expire after --token-ttl seconds: then 401 Invalid token.")
    func expiry() async throws {
        let clock = ManualClock()
        try await withEmulator({
            $0.clock = clock
            $0.tokenTTL = 30
        }) { h in
            let token = try await h.token()
            let path = "/api/v2/users/" + encodedID(Fixtures.auth0ID)
            #expect(try await h.send(.GET, path, token: token).status == 200)
            clock.advance(by: 29)
            #expect(try await h.send(.GET, path, token: token).status == 200)
            clock.advance(by: 1)
            let expired = try await h.send(.GET, path, token: token)
            #expect(expired.status == 401)
            #expect(expired.json == ["statusCode": 401, "error": "Unauthorized", "message": "Invalid token."])
            // A fresh token works again.
            #expect(try await h.send(.GET, path, token: try await h.token()).status == 200)
        }
    }

    @Test("No token, or an unknown one: 401 with Auth0's body", arguments: [nil, "not-a-token"] as [String?])
    func missingToken(token: String?) async throws {
        try await withEmulator { h in
            let answer = try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.auth0ID), token: token)
            #expect(answer.status == 401)
            #expect(answer.json == ["statusCode": 401, "error": "Unauthorized", "message": "Invalid token."])
        }
    }

    static func grant(_ h: Harness, _ fields: [(String, String)]) async throws -> Answer {
        try await h.send(
            .POST, "/oauth/token", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form(fields))
    }

    static func credentials(_ h: Harness) -> [(String, String)] {
        [("client_id", "emulator-client"), ("client_secret", "emulator-secret"), ("audience", h.emulator.apiURL + "/")]
    }

    @Test("No grant_type: 400 invalid_request (RFC 6749 section 5.2)")
    func missingGrantType() async throws {
        try await withEmulator { h in
            for fields in [Self.credentials(h), [("grant_type", "")] + Self.credentials(h)] {
                let answer = try await Self.grant(h, fields)
                #expect(answer.status == 400)
                #expect(
                    answer.json == [
                        "error": "invalid_request", "error_description": "Missing required parameter: grant_type",
                    ])
            }
        }
    }

    @Test("An unknown grant_type: 400 unsupported_grant_type")
    func unknownGrantType() async throws {
        try await withEmulator { h in
            let answer = try await Self.grant(h, [("grant_type", "magic_beans")] + Self.credentials(h))
            #expect(answer.status == 400)
            #expect(
                answer.json == [
                    "error": "unsupported_grant_type", "error_description": "Unsupported grant type: magic_beans",
                ])
        }
    }

    @Test("A grant type Auth0 knows but the client may not use: 403 unauthorized_client")
    func grantNotAllowed() async throws {
        try await withEmulator { h in
            let answer = try await Self.grant(h, [("grant_type", "password")] + Self.credentials(h))
            #expect(answer.status == 403)
            #expect(
                answer.json == [
                    "error": "unauthorized_client",
                    "error_description": "Grant type 'password' not allowed for the client.",
                ])
        }
    }

    @Test("Unknown form parameters are ignored, even repeated (RFC 6749 section 3.2)")
    func unknownParametersIgnored() async throws {
        try await withEmulator { h in
            let answer = try await Self.grant(
                h,
                [("grant_type", "client_credentials"), ("x-extra", "1"), ("x-extra", "2"), ("scope", "")]
                    + Self.credentials(h))
            #expect(answer.status == 200)
            #expect(answer.json["access_token"]?.stringValue?.isEmpty == false)
        }
    }

    @Test("A known parameter sent twice: 400 invalid_request")
    func repeatedKnownParameter() async throws {
        try await withEmulator { h in
            let answer = try await Self.grant(
                h, [("grant_type", "client_credentials"), ("grant_type", "client_credentials")] + Self.credentials(h))
            #expect(answer.status == 400)
            #expect(answer.json["error"] == "invalid_request")
        }
    }

    @Test("HEAD on a GET route answers like GET, without a body")
    func head() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let path = "/api/v2/users/" + encodedID(Fixtures.auth0ID)
            let get = try await h.send(.GET, path, token: token)
            let head = try await h.send(.HEAD, path, token: token)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("content-type") == get.header("content-type"))
            #expect(head.header("content-length") == get.header("content-length"))
            #expect(head.header("x-ratelimit-limit") != nil)
            let missing = try await h.send(.HEAD, "/api/v2/users/auth0%7Cnobody", token: token)
            #expect(missing.status == 404)
            #expect(missing.body.isEmpty)
            let unauthorized = try await h.send(.HEAD, path, token: nil)
            #expect(unauthorized.status == 401)
            let logged = await h.store.requests().filter { $0.path.hasPrefix("/api/v2/") }.map(\.method)
            #expect(logged == ["GET", "HEAD", "HEAD", "HEAD"])
        }
    }
}
