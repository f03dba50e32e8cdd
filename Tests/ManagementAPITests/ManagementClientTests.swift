import Foundation
import Hummingbird
import Testing
@testable import ManagementAPI

@Suite struct ManagementClientTests {
    static let user = #"{"user_id":"samlp|my-connection|jane@example.com","email":"jane@example.com","app_metadata":{"use_mfa":true,"plan":"gold"},"user_metadata":{"theme":"dark"},"updated_at":"2026-11-23T18:00:00.000Z"}"#

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
            #expect(form == [
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
            _ = try await client.patchUser(id: "auth0|a/b", body: try FlagPatch(container: .userMetadata, key: "use_mfa", value: nil))
            _ = try await client.patchUser(id: "auth0|c", body: try FlagPatch(container: .appMetadata, key: "use_mfa", value: false))
            try await harness.shutdown()
            let patches = await log.matching("PATCH", prefix: "/api/v2/users/")
            #expect(patches.map(\.body) == [#"{"user_metadata":{"use_mfa":null}}"#, #"{"app_metadata":{"use_mfa":false}}"#])
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
                    return Canned.json(#"{"statusCode":401,"error":"Unauthorized","message":"Invalid token."}"#, status: .unauthorized).response()
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

    @Test func secondConsecutive401IsFinal() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.get("/api/v2/users/:id") { _, _ in
                Canned.json(#"{"statusCode":401,"error":"Unauthorized","message":"Invalid token."}"#, status: .unauthorized).response()
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
            #expect(await log.matching("GET", prefix: "/api/v2/users/").count == 2)
            #expect(await issuer.issued == 2)
        }
    }

    @Test func tokenEndpoint401IsInvalidCredentialsWithoutEcho() async throws {
        let log = RequestLog()
        try await TestServer.with(log: log) { router in
            router.post("/oauth/token") { _, _ in
                Canned.json(#"{"error":"access_denied","error_description":"Unauthorized"}"#, status: .unauthorized).response()
            }
        } _: { port in
            let harness = Harness(port: port)
            let client = harness.client()
            do throws(ManagementAPIError) {
                _ = try await client.getUser(id: "auth0|1")
                Issue.record("expected invalidCredentials")
            } catch {
                #expect(error == .invalidCredentials(status: 401))
                #expect(!"\(error)".contains(Harness.secret))
                #expect(!"\(error)".contains(Harness.clientID))
            }
            try await harness.shutdown()
            #expect(await log.matching("GET", prefix: "/api/v2/").isEmpty)
            // The logs did record the failure, without the secret.
            #expect(harness.logs.text.contains("token request failed"))
            #expect(!harness.logs.text.contains(Harness.secret))
        }
    }

    @Test func a429StormIsRidden() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        let tooMany = Canned.json(
            #"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}"#,
            status: .tooManyRequests,
            headers: ["Retry-After": "3", "x-ratelimit-limit": "2", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "0"])
        let script = Script([tooMany, tooMany, tooMany, .json(Self.user, headers: ["x-ratelimit-limit": "2", "x-ratelimit-remaining": "1"])])
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.patch("/api/v2/users/:id") { _, _ in await script.next().response() }
        } _: { port in
            let harness = Harness(port: port)
            let limiter = RateLimiter(.free, clock: harness.clock)
            let attempts = AttemptLog()
            let client = harness.client(
                rateLimiter: limiter, retryPolicy: RetryPolicy(maxAttempts: 5, random: .seeded(3)),
                observer: { await attempts.append($0) })
            let start = harness.clock.now
            let user = try await client.patchUser(
                id: "auth0|1", body: try FlagPatch(container: .appMetadata, key: "use_mfa", value: true))
            try await harness.shutdown()
            #expect(user.userID != nil)
            let reports = await attempts.reports
            #expect(reports.map(\.attempt) == [1, 2, 3, 4])
            #expect(reports.map(\.status) == [429, 429, 429, 200])
            for report in reports.prefix(3) {
                let delay = try #require(report.retryDelay)
                #expect(delay >= .seconds(3))
                guard case .rateLimited(let wait, let body, _) = report.error else {
                    Issue.record("expected rateLimited, got \(String(describing: report.error))")
                    continue
                }
                #expect(wait == .seconds(3))
                #expect(body?.errorCode == "too_many_requests")
            }
            #expect(harness.clock.now - start >= .seconds(9))
            #expect(await limiter.acquiredCount == 4)
            #expect(await script.served == 4)
        }
    }

    @Test func exhausted429sThrowRateLimited() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.get("/api/v2/users/:id") { _, _ in
                Canned.json(#"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached"}"#, status: .tooManyRequests).response()
            }
        } _: { port in
            let harness = Harness(port: port)
            let client = harness.client(retryPolicy: RetryPolicy(maxAttempts: 3, random: .seeded(1)))
            do throws(ManagementAPIError) {
                _ = try await client.getUser(id: "auth0|1")
                Issue.record("expected rateLimited")
            } catch {
                guard case .rateLimited = error else {
                    Issue.record("expected rateLimited, got \(error)")
                    return
                }
            }
            try await harness.shutdown()
            #expect(await log.matching("GET", prefix: "/api/v2/users/").count == 3)
        }
    }

    @Test func serverErrorsAreRetriedAndNotFoundIsTerminal() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        let flaky = Script([.json("oops", status: .serviceUnavailable), .json("{}", status: .badGateway), .json(Self.user)])
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.get("/api/v2/users/flaky") { _, _ in await flaky.next().response() }
            router.get("/api/v2/users/gone") { _, _ in
                Canned.json(#"{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}"#, status: .notFound).response()
            }
            router.get("/api/v2/users/bad") { _, _ in
                Canned.json(#"{"statusCode":"400","error":"Bad Request","message":"Payload validation error","errorCode":"invalid_body"}"#, status: .badRequest).response()
            }
        } _: { port in
            let harness = Harness(port: port)
            let client = harness.client(retryPolicy: RetryPolicy(maxAttempts: 5, random: .seeded(5)))
            _ = try await client.getUser(id: "flaky")
            #expect(await flaky.served == 3)
            do throws(ManagementAPIError) {
                _ = try await client.getUser(id: "gone")
                Issue.record("expected 404")
            } catch {
                #expect(error.isNotFound)
                #expect(error.auth0ErrorCode == "inexistent_user")
            }
            do throws(ManagementAPIError) {
                _ = try await client.getUser(id: "bad")
                Issue.record("expected 400")
            } catch {
                #expect(error.statusCode == 400)
                #expect(error.auth0ErrorCode == "invalid_body")
            }
            try await harness.shutdown()
            #expect(await log.matching("GET", prefix: "/api/v2/users/gone").count == 1)
            #expect(await log.matching("GET", prefix: "/api/v2/users/bad").count == 1)
        }
    }

    @Test func connectionRefusedIsARetryableTransportError() async throws {
        // A port that was just free: a server started and stopped.
        let port = try await TestServer.with(log: RequestLog()) { _ in } _: { port in port }
        let harness = Harness(port: port, connectTimeout: .milliseconds(300))
        let client = harness.client(tokens: TokenProvider(staticToken: BearerToken("static-token")))
        do throws(ManagementAPIError) {
            _ = try await client.getUser(id: "auth0|1")
            Issue.record("expected a transport error")
        } catch {
            guard case .transport(_, let underlying, _) = error else {
                Issue.record("expected transport, got \(error)")
                try await harness.shutdown()
                return
            }
            #expect(!underlying.isEmpty)
            #expect(error.isRetryable)
            #expect(!"\(error)".contains("static-token"))
        }
        try await harness.shutdown()
    }

    @Test func redirectsAreNotFollowed() async throws {
        let log = RequestLog()
        try await TestServer.with(log: log) { router in
            router.get("/api/v2/users/:id") { _, _ in
                Canned(status: .found, headers: ["Location": "http://localhost:1/steal"], body: "").response()
            }
        } _: { port in
            let harness = Harness(port: port)
            let client = harness.client(tokens: TokenProvider(staticToken: BearerToken("static-token")))
            do throws(ManagementAPIError) {
                _ = try await client.getUser(id: "auth0|1")
                Issue.record("expected invalidResponse")
            } catch {
                guard case .invalidResponse(302, _, _) = error else {
                    Issue.record("expected invalidResponse 302, got \(error)")
                    try await harness.shutdown()
                    return
                }
            }
            try await harness.shutdown()
            #expect(await log.count == 1)
        }
    }

    @Test func clientBuiltFromCredentialsFetchesItsOwnToken() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.get("/api/v2/users/:id") { _, _ in Canned.json(Self.user).response() }
        } _: { port in
            let harness = Harness(port: port)
            let client = ManagementClient(
                endpoint: harness.endpoint,
                credentials: .clientCredentials(clientID: "cid", secret: ClientSecret("csecret")),
                httpClient: harness.httpClient, retryPolicy: .none, clock: harness.clock)
            _ = try await client.getUser(id: "auth0|1")
            _ = try await client.getUser(id: "auth0|2")
            try await harness.shutdown()
            #expect(await issuer.issued == 1)
            let gets = await log.matching("GET", prefix: "/api/v2/users/")
            #expect(gets.map { $0.header("authorization") } == ["Bearer tok-1", "Bearer tok-1"])
        }
    }
}
