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

    /// Every request meets at least one bucket: when the plan has no global bucket, each
    /// endpoint class it leaves out gets ``RateLimitPlan/local``'s.
    init(plan: RateLimitPlan, clock: any EmulatorClock) {
        var plan = plan
        if plan.global == nil {
            let fallback = RateLimitPlan.local.global
            plan.writeUsers = plan.writeUsers ?? fallback
            plan.readUsers = plan.readUsers ?? fallback
            plan.other = plan.other ?? fallback
        }
        self.plan = plan
        self.clock = clock
        self.global = plan.global.map { TokenBucket($0, now: clock.now()) }
    }

    /// Takes a token from the global bucket, then the endpoint's (each that the plan has).
    func admit(method: String, path: String) -> Decision {
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
        // `init` gave every request a bucket: a global one or its endpoint class's.
        let tightest = buckets.min(by: { $0.remaining < $1.remaining })!
        return Self.decision(tightest, allowed: true, now: now)
    }

    private static func decision(_ bucket: TokenBucket, allowed: Bool, now: Double) -> Decision {
        Decision(allowed: allowed, limit: bucket.capacity, remaining: bucket.remaining, reset: bucket.reset(now: now))
    }
}
