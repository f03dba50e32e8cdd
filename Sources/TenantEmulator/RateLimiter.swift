/// The tenant's buckets. Requests are checked against the global bucket, then the endpoint's.
actor RateLimiter {
    /// What a request is told: whether it passes, and the `x-ratelimit-*` values.
    struct Decision: Sendable, Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        var reset: Int
    }

    private let plan: RateLimitPlan
    private let clock: any EmulatorClock
    private var global: TokenBucket?
    private var endpoints: [RateLimitPlan.EndpointClass: TokenBucket] = [:]

    init(plan: RateLimitPlan, clock: any EmulatorClock) {
        self.plan = plan
        self.clock = clock
        self.global = plan.global.map { TokenBucket($0, now: clock.now()) }
    }

    /// Nil when the plan has no bucket for this request.
    func admit(method: String, path: String) -> Decision? {
        let now = clock.now()
        let endpoint = RateLimitPlan.endpointClass(method: method, path: path)
        if endpoints[endpoint] == nil, let limit = plan.limit(for: endpoint) {
            endpoints[endpoint] = TokenBucket(limit, now: now)
        }
        if var bucket = global {
            let allowed = bucket.take(now: now)
            global = bucket
            if !allowed { return Self.decision(bucket, allowed: false, now: now) }
        }
        if var bucket = endpoints[endpoint] {
            let allowed = bucket.take(now: now)
            endpoints[endpoint] = bucket
            if !allowed { return Self.decision(bucket, allowed: false, now: now) }
        }
        // Both passed: report the tighter bucket.
        let buckets = [global, endpoints[endpoint]].compactMap { $0 }
        guard let tightest = buckets.min(by: { $0.remaining < $1.remaining }) else { return nil }
        return Self.decision(tightest, allowed: true, now: now)
    }

    private static func decision(_ bucket: TokenBucket, allowed: Bool, now: Double) -> Decision {
        Decision(allowed: allowed, limit: bucket.capacity, remaining: bucket.remaining, reset: bucket.reset(now: now))
    }
}
