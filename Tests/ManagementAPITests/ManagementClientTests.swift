import Foundation
import Hummingbird
import Testing

@testable import ManagementAPI

@Suite struct ManagementClientTests {
    static let user =
        #"{"user_id":"samlp|my-connection|jane@example.com","email":"jane@example.com","app_metadata":{"use_mfa":true,"plan":"gold"},"user_metadata":{"theme":"dark"},"updated_at":"2026-11-23T18:00:00.000Z"}"#

    @Test func patchSendsOneKeyToTheEncodedPathWithTheFetchedToken() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.patch("/api/v2/users/:id") { _, _ in Canned.json(Self.user).response() }
        } _: { port in
            let harness = Harness(port: port)
            let client = harness.client()
            let patch = try FlagPatch(container: .appMetadata, key: "use_mfa", value: true)
            let user = try await client.patchUser(
                id: "samlp|my-connection|jane@example.com", body: patch, correlationID: "op-000123")
            try await harness.shutdown()

            #expect(user.userID == "samlp|my-connection|jane@example.com")
            #expect(user.email == "jane@example.com")
            #expect(user.flag(.appMetadata, key: "use_mfa") == true)
            #expect(user.appMetadata["plan"] == .string("gold"))
            #expect(user.userMetadata["theme"] == .string("dark"))
            #expect(user.updatedAt == "2026-11-23T18:00:00.000Z")

            let token = try #require(await log.matching("POST", prefix: "/oauth/token").first)
            #expect(token.header("content-type") == "application/x-www-form-urlencoded")
            let form = formFields(token.body)
            #expect(
                form == [
                    "grant_type": "client_credentials", "client_id": Harness.clientID,
                    "client_secret": Harness.secret, "audience": "http://127.0.0.1:\(port)/api/v2/",
                ])

            let patches = await log.matching("PATCH", prefix: "/api/v2/users/")
            #expect(patches.count == 1)
            let sent = try #require(patches.first)
            #expect(sent.path == "/api/v2/users/samlp%7Cmy-connection%7Cjane%40example.com")
            #expect(sent.body == #"{"app_metadata":{"use_mfa":true}}"#)
            #expect(sent.header("authorization") == "Bearer tok-1")
            #expect(sent.header("x-correlation-id") == "op-000123")
            #expect(sent.header("content-type") == "application/json")
            #expect(!harness.logs.text.contains(Harness.secret))
            #expect(!harness.logs.text.contains("tok-1"))
        }
    }

    @Test func deletingAFlagSendsNullAndUserMetadataWorks() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.patch("/api/v2/users/:id") { _, _ in Canned.json(Self.user).response() }
        } _: { port in
            let harness = Harness(port: port)
            let client = harness.client()
            _ = try await client.patchUser(
                id: "auth0|a/b", body: try FlagPatch(container: .userMetadata, key: "use_mfa", value: nil))
            _ = try await client.patchUser(
                id: "auth0|c", body: try FlagPatch(container: .appMetadata, key: "use_mfa", value: false))
            try await harness.shutdown()
            let patches = await log.matching("PATCH", prefix: "/api/v2/users/")
            #expect(
                patches.map(\.body) == [#"{"user_metadata":{"use_mfa":null}}"#, #"{"app_metadata":{"use_mfa":false}}"#])
            #expect(patches.first?.path == "/api/v2/users/auth0%7Ca%2Fb")
            // One token for both calls: cached.
            #expect(await issuer.issued == 1)
        }
    }

    @Test func invalidMetadataKeysAndCorrelationIDsAreRefusedBeforeSending() async throws {
        #expect(throws: ManagementAPIError.self) { try FlagPatch(container: .appMetadata, key: "a.b", value: true) }
        #expect(throws: ManagementAPIError.self) { try FlagPatch(container: .appMetadata, key: "$set", value: true) }
        #expect(throws: ManagementAPIError.self) { try FlagPatch(container: .appMetadata, key: "", value: true) }
        #expect(throws: ManagementAPIError.self) {
            try ManagementClient.validate(correlationID: String(repeating: "x", count: 65))
        }
        #expect(throws: ManagementAPIError.self) { try ManagementClient.validate(correlationID: "a\r\nb") }
        try ManagementClient.validate(correlationID: String(repeating: "x", count: 64))
    }

    @Test func a401RefreshesTheTokenOnceAndRetries() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.get("/api/v2/users/:id") { request, _ in
                if request.headers[.authorization] == "Bearer tok-1" {
                    return Canned.json(
                        #"{"statusCode":401,"error":"Unauthorized","message":"Invalid token."}"#, status: .unauthorized
                    ).response()
                }
                return Canned.json(Self.user).response()
            }
        } _: { port in
            let harness = Harness(port: port)
            let attempts = AttemptLog()
            let client = harness.client(observer: { await attempts.append($0) })
            let user = try await client.getUser(id: "auth0|1")
            try await harness.shutdown()
            #expect(user.email == "jane@example.com")
            #expect(await issuer.issued == 2)
            let gets = await log.matching("GET", prefix: "/api/v2/users/")
            #expect(gets.map { $0.header("authorization") } == ["Bearer tok-1", "Bearer tok-2"])
            let reports = await attempts.reports
            #expect(reports.map(\.attempt) == [1, 2])
            #expect(reports.map(\.status) == [401, 200])
        }
    }

    @Test("401 after every refresh: the credentials are refused; the call ends after a bounded number of refreshes")
    func repeated401IsFinal() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.get("/api/v2/users/:id") { _, _ in
                Canned.json(
                    #"{"statusCode":401,"error":"Unauthorized","message":"Invalid token."}"#, status: .unauthorized
                ).response()
            }
        } _: { port in
            let harness = Harness(port: port)
            let client = harness.client(retryPolicy: RetryPolicy(maxAttempts: 5))
            await #expect {
                try await client.getUser(id: "auth0|1")
            } throws: { error in
                (error as? ManagementAPIError)?.statusCode == 401
            }
            try await harness.shutdown()
            let refreshes = ManagementClient.maxRefreshesPerCall
            #expect(await log.matching("GET", prefix: "/api/v2/users/").count == refreshes + 1)
            #expect(await issuer.issued == refreshes + 1)
        }
    }

    @Test("a token that expires while its request waits in the rate limiter is refreshed before it is sent")
    func tokenExpiringInTheLimiter() async throws {
        // Tokens live 1 s; the server refuses an older one, as Auth0 refuses an expired token.
        // At 4 requests a second with 12 requests queued, the last waits about 3 s in the
        // limiter: a token taken before that wait arrives expired, and so does its one refresh
        // when the request has to queue again.
        let log = RequestLog()
        let issuer = TokenIssuer()
        let issuedAt = IssueTimes()
        try await TestServer.with(log: log) { router in
            router.post("/oauth/token") { _, _ -> Response in
                let token = await issuer.next()
                await issuedAt.record(token, ContinuousClock.now)
                return Canned.json(
                    #"{"access_token":"\#(token)","expires_in":1,"scope":"read:users","token_type":"Bearer"}"#
                ).response()
            }
            router.get("/api/v2/users/:id") { request, _ -> Response in
                let token = String(request.headers[.authorization]?.dropFirst("Bearer ".count) ?? "")
                guard let issued = await issuedAt.time(of: token), ContinuousClock.now - issued < .seconds(1) else {
                    return Canned.json(
                        #"{"statusCode":401,"error":"Unauthorized","message":"Expired token received for JSON Web Token validation"}"#,
                        status: .unauthorized
                    ).response()
                }
                return Canned.json(#"{"user_id":"auth0|1"}"#).response()
            }
        } _: { port in
            let harness = Harness(port: port)
            let clock = SystemAPIClock()
            let tokens = TokenProvider(
                credentials: .clientCredentials(clientID: Harness.clientID, secret: ClientSecret(Harness.secret)),
                endpoint: harness.endpoint, httpClient: harness.httpClient, clock: clock, retryPolicy: .none,
                logger: harness.logs.logger())
            let client = ManagementClient(
                endpoint: harness.endpoint, tokens: tokens, httpClient: harness.httpClient,
                rateLimiter: RateLimiter(RateLimit(rate: 4, burst: 1), clock: clock), retryPolicy: .none,
                clock: clock, logger: harness.logs.logger(), observer: nil)
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<12 {
                    group.addTask { (try? await client.getUser(id: "auth0|\(index)")) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            try await harness.shutdown()
            #expect(results.allSatisfy { $0 }, "\(results.filter { !$0 }.count) of 12 calls failed")
            #expect(await issuer.issued >= 3, "tokens were renewed as they expired")
        }
    }

}

/// When each token was issued.
actor IssueTimes {
    private var times: [String: ContinuousClock.Instant] = [:]
    func record(_ token: String, _ time: ContinuousClock.Instant) { times[token] = time }
    func time(of token: String) -> ContinuousClock.Instant? { times[token] }
}
