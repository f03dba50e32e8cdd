import Foundation
import Hummingbird
import Testing

@testable import ManagementAPI

/// A server-side token bucket like Auth0's: answers 429 when empty and reports
/// `x-ratelimit-*` on every answer (reset = when the next token is added, rounded up).
actor ServerBucket {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var last = ContinuousClock.now
    private(set) var accepted = 0
    private(set) var rejected = 0

    init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = Double(burst)
        self.tokens = Double(burst)
    }

    func take() -> (ok: Bool, headers: [String: String]) {
        let now = ContinuousClock.now
        tokens = min(burst, tokens + (now - last).secondsValue * rate)
        last = now
        let ok = tokens >= 1
        if ok {
            tokens -= 1
            accepted += 1
        } else {
            rejected += 1
        }
        let nextToken = tokens >= burst ? 0 : (1 - (tokens - tokens.rounded(.down))) / rate
        let epoch = Date().timeIntervalSince1970
        var headers = [
            "x-ratelimit-limit": "\(Int(burst))",
            "x-ratelimit-remaining": "\(Int(tokens.rounded(.down)))",
            "x-ratelimit-reset": "\(Int((epoch + nextToken).rounded(.up)))",
        ]
        if !ok { headers["Retry-After"] = "\(Int(((1 - tokens) / rate).rounded(.up)))" }
        return (ok, headers)
    }
}

@Suite struct PacingTests {
    /// Eight workers share one limiter set to the server's own limit: the local bucket keeps
    /// the server's bucket from running out, so (almost) nothing is answered 429.
    @Test func sharedLimiterAtTheServersRateAvoids429s() async throws {
        let bucket = ServerBucket(rate: 100, burst: 10)
        let log = RequestLog()
        let requests = 200
        try await TestServer.with(log: log) { router in
            router.patch("/api/v2/users/:id") { _, _ in
                let (ok, headers) = await bucket.take()
                if ok { return Canned.json(#"{"user_id":"auth0|x"}"#, headers: headers).response() }
                return Canned.json(
                    #"{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached"}"#,
                    status: .tooManyRequests, headers: headers
                ).response()
            }
        } _: { port in
            let httpClient = ManagementClient.makeHTTPClient(maxConnectionsPerHost: 8)
            let client = ManagementClient(
                endpoint: try ManagementEndpoint(domain: "127.0.0.1:\(port)", allowInsecureHTTP: true),
                tokens: TokenProvider(staticToken: BearerToken("t")), httpClient: httpClient,
                rateLimiter: RateLimiter(RateLimit(rate: 100, burst: 10)),
                retryPolicy: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(50)))
            let patch = try FlagPatch(container: .appMetadata, key: "use_mfa", value: true)
            let next = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        while let n = await next.take(below: requests) {
                            _ = try await client.patchUser(id: "auth0|\(n)", body: patch)
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await httpClient.shutdown()
            #expect(await bucket.accepted == requests)
            // < 1 % answered 429.
            let rejected = await bucket.rejected
            #expect(rejected * 100 < requests, "\(rejected) of \(requests) answered 429")
        }
    }
}

actor Counter {
    private var value = 0
    func take(below limit: Int) -> Int? {
        guard value < limit else { return nil }
        value += 1
        return value
    }
}
