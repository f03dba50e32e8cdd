import Testing

@testable import ManagementAPI

@Suite struct RateLimiterTests {
    @Test func burstIsFreeThenTokensArriveAtTheRate() async throws {
        let clock = FakeClock()
        let start = clock.now
        let limiter = RateLimiter(RateLimit(rate: 16, burst: 50), clock: clock)
        for _ in 0..<50 {
            try await limiter.acquire()
            await limiter.release()
        }
        #expect(clock.now == start)
        for _ in 0..<160 {
            try await limiter.acquire()
            await limiter.release()
        }
        // 160 more tokens at 16/s take 10 s (within float rounding).
        let elapsed = (clock.now - start).secondsValue
        #expect(abs(elapsed - 10) < 0.01)
        #expect(await limiter.acquiredCount == 210)
    }

    @Test func emptyStartWaitsForTheFirstToken() async throws {
        let clock = FakeClock()
        let start = clock.now
        let limiter = RateLimiter(.free, clock: clock, initialTokens: 0)
        try await limiter.acquire()
        #expect(abs((clock.now - start).secondsValue - 0.5) < 0.001)
    }

    @Test func tokensNeverExceedBurst() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(RateLimit(rate: 10, burst: 5), clock: clock, initialTokens: 0)
        clock.advance(by: .seconds(100))
        #expect(await limiter.availableTokens == 5)
    }

    @Test func requestsInFlightCountAgainstTheBurst() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(RateLimit(rate: 10, burst: 3), clock: clock)
        try await limiter.acquire()
        try await limiter.acquire()
        // Two unanswered requests: however long they take, at most one more token.
        clock.advance(by: .seconds(60))
        #expect(await limiter.availableTokens == 1)
        #expect(await limiter.inFlight == 2)
        await limiter.release()
        #expect(await limiter.availableTokens == 1)
        clock.advance(by: .seconds(1))
        #expect(await limiter.availableTokens == 2)
        await limiter.release()
        clock.advance(by: .seconds(1))
        #expect(await limiter.availableTokens == 3)
        #expect(await limiter.inFlight == 0)
    }

    @Test func serverRemainingLowersLocalTokensButNeverRaisesThem() async {
        let clock = FakeClock()
        let limiter = RateLimiter(RateLimit(rate: 16, burst: 50), clock: clock)
        await limiter.observe(RateLimitHeaders(limit: 50, remaining: 60, reset: 100, serverDate: 100), localNow: 100)
        #expect(await limiter.availableTokens == 50)
        await limiter.observe(RateLimitHeaders(limit: 50, remaining: 3, reset: 100, serverDate: 100), localNow: 100)
        #expect(await limiter.availableTokens == 3)
        #expect(await limiter.correctionCount == 1)
    }

    @Test func smallerServerLimitShrinksTheBucket() async {
        let clock = FakeClock()
        let limiter = RateLimiter(.enterprise, clock: clock)
        await limiter.observe(RateLimitHeaders(limit: 10, remaining: 10, reset: 0, serverDate: 0), localNow: 0)
        #expect(await limiter.currentBurst == 10)
        clock.advance(by: .seconds(60))
        #expect(await limiter.availableTokens == 10)
    }

    @Test func noneRemainingPausesUntilResetPerServerDate() async throws {
        let clock = FakeClock()
        let start = clock.now
        let limiter = RateLimiter(RateLimit(rate: 100, burst: 10), clock: clock)
        // Server says: empty, tokens again in 5 s (by ITS clock; the local wall clock is far off).
        await limiter.observe(
            RateLimitHeaders(limit: 10, remaining: 0, reset: 1_700_000_005, serverDate: 1_700_000_000),
            localNow: 1_800_000_000)
        try await limiter.acquire()
        // reset and Date are whole seconds: the wait is at least delay - 2 s and at most delay + one token.
        let waited = (clock.now - start).secondsValue
        #expect(waited >= 3 && waited <= 5.01)
    }

    @Test func remainingZeroWithNextSecondResetOnlyEmptiesTheBucket() async throws {
        let clock = FakeClock()
        let start = clock.now
        let limiter = RateLimiter(RateLimit(rate: 16, burst: 50), clock: clock)
        await limiter.observe(RateLimitHeaders(remaining: 0, reset: 1002, serverDate: 1000), localNow: 0)
        try await limiter.acquire()
        #expect(abs((clock.now - start).secondsValue - 1.0 / 16) < 0.001)
    }

    @Test func pauseBlocksEveryoneThenRefillResumes() async throws {
        let clock = FakeClock()
        let start = clock.now
        let limiter = RateLimiter(RateLimit(rate: 2, burst: 2), clock: clock)
        await limiter.pause(for: .seconds(7))
        try await limiter.acquire()
        #expect((clock.now - start) >= .seconds(7))
    }

    @Test func concurrentWorkersShareOneBucket() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(RateLimit(rate: 5, burst: 5), clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10 {
                        try await limiter.acquire()
                        await limiter.release()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await limiter.acquiredCount == 80)
        // 75 tokens beyond the burst at 5/s need at least 15 s of (virtual) time.
        #expect(clock.totalSlept >= .seconds(15) - .milliseconds(10))
    }

    @Test func cancellationStopsAWaiter() async {
        let clock = FakeClock()
        let limiter = RateLimiter(.free, clock: clock, initialTokens: 0)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await limiter.acquire()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func presetsMatchTheDocumentedTable() {
        #expect(RateLimit.free == RateLimit(rate: 2, burst: 2))
        #expect(RateLimit.enterprise == RateLimit(rate: 16, burst: 50))
        #expect(RateLimit.enterpriseNonProduction == RateLimit(rate: 2, burst: 10))
        #expect(RateLimit.essentialsWriteUsers.burst == 20)
        #expect(abs(RateLimit.essentialsWriteUsers.rate * 60 - 200) < 1e-9)
        #expect(abs(RateLimit.essentialsReadUsers.rate * 60 - 500) < 1e-9)
        #expect(RateLimit.essentialsReadUsers.burst == 40)
        #expect(abs(RateLimit.essentialsOther.rate * 60 - 150) < 1e-9)
        #expect(RateLimit.preset(.essentials, scope: .writeUsers) == .essentialsWriteUsers)
        #expect(RateLimit.preset(.free, scope: .readUsers) == .free)
    }
}

@Suite("rate-limit plan names")
struct RateLimitPlanNameTests {
    @Test("apply takes the preset names the emulator takes (but the emulator's own `local`)")
    func sameNamesAsTheEmulator() {
        #expect(RateLimit.Plan(name: "enterprise-nonprod") == .enterpriseNonProduction)
        #expect(RateLimit.Plan(name: "enterprise-non-production") == .enterpriseNonProduction)
        #expect(RateLimit.Plan(name: "professional") == .essentials)
        for plan in RateLimit.Plan.allCases { #expect(RateLimit.Plan(name: plan.rawValue) == plan) }
        #expect(RateLimit.Plan(name: "local") == nil)
    }
}
