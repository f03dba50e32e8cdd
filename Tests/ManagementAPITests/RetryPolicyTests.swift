import Testing

@testable import ManagementAPI

@Suite struct RetryPolicyTests {
    static let op = "PATCH /api/v2/users/{id}"

    @Test(arguments: [408, 500, 502, 503, 504, 599])
    func retryableStatuses(status: Int) {
        #expect(ManagementAPIError.http(status: status, body: nil, operation: Self.op).isRetryable)
    }

    @Test(arguments: [400, 401, 403, 404, 409, 422])
    func terminalStatuses(status: Int) {
        let error = ManagementAPIError.http(status: status, body: nil, operation: Self.op)
        #expect(!error.isRetryable)
        #expect(RetryPolicy(maxAttempts: 10).delay(after: error, attempt: 1, serverWait: nil) == nil)
    }

    @Test func rateLimitedAndConnectionErrorsRetryButTLSAndCredentialsDoNot() {
        #expect(ManagementAPIError.rateLimited(wait: nil, body: nil, operation: Self.op).isRetryable)
        #expect(
            ManagementAPIError.transport(kind: .connectionReset, underlying: "ECONNRESET", operation: Self.op)
                .isRetryable)
        #expect(ManagementAPIError.transport(kind: .timeout, underlying: "deadline", operation: Self.op).isRetryable)
        #expect(!ManagementAPIError.transport(kind: .tls, underlying: "bad cert", operation: Self.op).isRetryable)
        #expect(!ManagementAPIError.invalidCredentials(status: 401).isRetryable)
        #expect(!ManagementAPIError.cancelled.isRetryable)
    }

    @Test func exponentialBackoffWithoutJitterIsCapped() {
        let policy = RetryPolicy(maxAttempts: 20, baseDelay: .seconds(1), maxDelay: .seconds(60), jitter: .none)
        #expect(policy.backoff(retry: 1) == .seconds(1))
        #expect(policy.backoff(retry: 2) == .seconds(2))
        #expect(policy.backoff(retry: 4) == .seconds(8))
        #expect(policy.backoff(retry: 7) == .seconds(60))
        #expect(policy.backoff(retry: 200) == .seconds(60))
    }

    @Test func fullJitterStaysWithinZeroAndTheCap() {
        let policy = RetryPolicy(
            maxAttempts: 20, baseDelay: .milliseconds(500), maxDelay: .seconds(10), jitter: .full, random: .seeded(42))
        var distinct = Set<Duration>()
        for retry in 1...50 {
            let delay = policy.backoff(retry: retry)
            let ceiling = min(0.5 * Double(1 << min(retry - 1, 30)), 10)
            #expect(delay >= .zero && delay.secondsValue <= ceiling)
            distinct.insert(delay)
        }
        #expect(distinct.count > 40)
    }

    @Test func partialJitterKeepsTheFloor() {
        let policy = RetryPolicy(
            maxAttempts: 20, baseDelay: .seconds(1), maxDelay: .seconds(60), jitter: .partial(fraction: 0.1),
            random: .seeded(7))
        for _ in 0..<100 {
            let delay = policy.backoff(retry: 3).secondsValue
            #expect(delay >= 3.6 && delay <= 4.0)
        }
    }

    @Test func seededRandomIsReproducible() {
        let a = RetryPolicy(jitter: .full, random: .seeded(99))
        let b = RetryPolicy(jitter: .full, random: .seeded(99))
        let c = RetryPolicy(jitter: .full, random: .seeded(100))
        let runA = (1...8).map { a.backoff(retry: $0) }
        #expect(runA == (1...8).map { b.backoff(retry: $0) })
        #expect(runA != (1...8).map { c.backoff(retry: $0) })
    }

    @Test func rateLimitPrefersTheServerWaitPlusAtMostTwentyPercent() throws {
        let policy = RetryPolicy(maxAttempts: 5, jitter: .none, random: .seeded(1))
        let error = ManagementAPIError.rateLimited(wait: .seconds(5), body: nil, operation: Self.op)
        for _ in 0..<50 {
            let delay = try #require(policy.delay(after: error, attempt: 1, serverWait: .seconds(5)))
            #expect(delay >= .seconds(5) && delay <= .seconds(6))
        }
        // Without a server wait: the backoff.
        #expect(policy.delay(after: error, attempt: 3, serverWait: nil) == .seconds(4))
    }

    @Test func serverWaitIsCapped() throws {
        let policy = RetryPolicy(maxAttempts: 5, serverWaitJitter: 0, maxServerWait: .seconds(30))
        let error = ManagementAPIError.rateLimited(wait: nil, body: nil, operation: Self.op)
        #expect(policy.delay(after: error, attempt: 1, serverWait: .seconds(3600)) == .seconds(30))
    }

    @Test func attemptsAreBounded() {
        let policy = RetryPolicy(maxAttempts: 3, jitter: .none)
        let error = ManagementAPIError.http(status: 503, body: nil, operation: Self.op)
        #expect(policy.delay(after: error, attempt: 1, serverWait: nil) != nil)
        #expect(policy.delay(after: error, attempt: 2, serverWait: nil) != nil)
        #expect(policy.delay(after: error, attempt: 3, serverWait: nil) == nil)
        #expect(RetryPolicy.none.delay(after: error, attempt: 1, serverWait: nil) == nil)
    }
}
