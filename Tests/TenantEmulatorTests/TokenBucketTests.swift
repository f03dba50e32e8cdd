import Testing

@testable import TenantEmulator

/// Outside `#expect`, which cannot call mutating members.
private func take(_ bucket: inout TokenBucket, _ clock: ManualClock) -> Bool {
    bucket.take(now: clock.now())
}

@Suite("Token bucket arithmetic under a manual clock")
struct TokenBucketTests {
    @Test("A full bucket lets `burst` requests through, then refuses")
    func burstThenRefuse() {
        let clock = ManualClock()
        var bucket = TokenBucket(.init(burst: 5, perSecond: 25), now: clock.now())
        for expected in (0..<5).reversed() {
            #expect(take(&bucket, clock))
            #expect(bucket.remaining == expected)
        }
        #expect(!take(&bucket, clock))
        #expect(bucket.remaining == 0)
    }

    @Test("Tokens come back at the sustained rate and never exceed the burst")
    func refill() {
        let clock = ManualClock()
        var bucket = TokenBucket(.init(burst: 2, perSecond: 2), now: clock.now())
        #expect(take(&bucket, clock))
        #expect(take(&bucket, clock))
        #expect(!take(&bucket, clock))
        clock.advance(by: 0.25)  // half a token
        #expect(!take(&bucket, clock))
        clock.advance(by: 0.25)  // one token
        #expect(take(&bucket, clock))
        clock.advance(by: 100)
        bucket.refill(now: clock.now())
        #expect(bucket.remaining == 2)
    }

    @Test("x-ratelimit-reset is now with a full bucket, else the second the next token arrives")
    func reset() {
        let clock = ManualClock(start: 1_000)
        var bucket = TokenBucket(.init(burst: 20, perSecond: 200.0 / 60), now: clock.now())
        #expect(bucket.reset(now: clock.now()) == 1_000)
        _ = bucket.take(now: clock.now())
        // 0.3 s per token at 200/min: the next whole token lands at 1000.3 → second 1001.
        #expect(bucket.reset(now: clock.now()) == 1_001)
        clock.advance(by: 0.31)
        bucket.refill(now: clock.now())
        #expect(bucket.reset(now: clock.now()) == 1_000)  // full again
    }

    @Test("A slow sustained rate puts reset several seconds out")
    func slowReset() {
        let clock = ManualClock(start: 5_000)
        var bucket = TokenBucket(.init(burst: 1, perSecond: 0.1), now: clock.now())
        _ = bucket.take(now: clock.now())
        #expect(bucket.reset(now: clock.now()) == 5_010)
        clock.advance(by: 4)
        bucket.refill(now: clock.now())
        #expect(bucket.reset(now: clock.now()) == 5_010)
    }

    @Test(
        "Plans parse from the command line",
        arguments: [
            ("free", RateLimitPlan.free),
            ("essentials", RateLimitPlan.essentials),
            ("enterprise", RateLimitPlan.enterprise),
            ("25/5", RateLimitPlan(global: .init(burst: 5, perSecond: 25))),
            ("local", RateLimitPlan.local),
        ])
    func parsing(text: String, plan: RateLimitPlan) {
        #expect(RateLimitPlan(parsing: text) == plan)
    }

    @Test(
        "Nonsense limits, and no limits at all, are refused",
        arguments: ["", "fast", "25", "0/5", "25/0", "a/b", "none", "unlimited"])
    func badLimits(text: String) {
        #expect(RateLimitPlan(parsing: text) == nil)
    }

    @Test("Documented plan numbers")
    func presets() {
        #expect(RateLimitPlan.free.global == .init(burst: 2, perSecond: 2))
        #expect(RateLimitPlan.essentials.writeUsers == .init(burst: 20, perSecond: 200.0 / 60))
        #expect(RateLimitPlan.essentials.readUsers == .init(burst: 40, perSecond: 500.0 / 60))
        #expect(RateLimitPlan.essentials.other == .init(burst: 10, perSecond: 150.0 / 60))
        #expect(RateLimitPlan.enterprise.global == .init(burst: 50, perSecond: 16))
        #expect(RateLimitPlan.local.global == .init(burst: 1_000, perSecond: 1_000))
        #expect(EmulatorConfiguration().limits == .local)
    }

    @Test("Endpoint classes: writes and reads of users, everything else")
    func endpointClasses() {
        #expect(RateLimitPlan.endpointClass(method: "PATCH", path: "/api/v2/users/auth0%7C1") == .writeUsers)
        #expect(RateLimitPlan.endpointClass(method: "GET", path: "/api/v2/users/auth0%7C1") == .readUsers)
        #expect(RateLimitPlan.endpointClass(method: "POST", path: "/api/v2/jobs/users-exports") == .other)
        #expect(RateLimitPlan.endpointClass(method: "GET", path: "/api/v2/usersX") == .other)
    }

    @Test("The limiter checks the global bucket, then the endpoint's")
    func limiterOrder() async {
        let clock = ManualClock()
        let plan = RateLimitPlan(global: .init(burst: 3, perSecond: 1), writeUsers: .init(burst: 1, perSecond: 1))
        let limiter = RateLimiter(plan: plan, clock: clock)
        let first = await limiter.admit(method: "PATCH", path: "/api/v2/users/x")
        #expect(first == .init(allowed: true, limit: 1, remaining: 0, reset: Int(clock.now()) + 1))
        let second = await limiter.admit(method: "PATCH", path: "/api/v2/users/x")
        #expect(second.allowed == false)
        #expect(second.limit == 1)
        // The write bucket is empty but reads still pass, drawing on the global bucket.
        let read = await limiter.admit(method: "GET", path: "/api/v2/users/x")
        #expect(read.allowed == true)
        #expect(read.limit == 3)
        #expect(read.remaining == 0)
        let refused = await limiter.admit(method: "GET", path: "/api/v2/users/x")
        #expect(refused.allowed == false)
        #expect(refused.limit == 3)
    }

    @Test("A plan without a global bucket gives endpoint classes it leaves out the local default's bucket")
    func partialPlan() async {
        let clock = ManualClock(start: 1_000)
        let limiter = RateLimiter(plan: RateLimitPlan(writeUsers: .init(burst: 2, perSecond: 1)), clock: clock)
        #expect(
            await limiter.admit(method: "PATCH", path: "/api/v2/users/x")
                == .init(allowed: true, limit: 2, remaining: 1, reset: 1_001))
        #expect(
            await limiter.admit(method: "GET", path: "/api/v2/users/x")
                == .init(allowed: true, limit: 1_000, remaining: 999, reset: 1_001))
        let empty = RateLimiter(plan: RateLimitPlan(), clock: clock)
        #expect(await empty.admit(method: "POST", path: "/api/v2/jobs/users-exports").limit == 1_000)
    }
}
