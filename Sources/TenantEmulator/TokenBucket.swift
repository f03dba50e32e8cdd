/// Auth0's rate-limit bucket: it holds at most `capacity` (the burst) tokens and refills
/// continuously at `refillPerSecond` (the sustained limit); each request takes one token.
struct TokenBucket: Sendable, Equatable {
    let capacity: Int
    let refillPerSecond: Double
    private(set) var tokens: Double
    private var updated: Double

    /// A full bucket at `now`.
    init(_ limit: RateLimitPlan.Limit, now: Double) {
        capacity = limit.burst
        refillPerSecond = limit.perSecond
        tokens = Double(limit.burst)
        updated = now
    }

    /// Refills for the time passed since the last call (a clock going back adds nothing).
    mutating func refill(now: Double) {
        if now > updated {
            tokens = min(Double(capacity), tokens + (now - updated) * refillPerSecond)
            updated = now
        }
    }

    /// Takes one token when there is one. Returns whether the request may pass.
    mutating func take(now: Double) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Whole tokens left: `x-ratelimit-remaining`.
    var remaining: Int { Int(tokens.rounded(.down)) }

    /// `x-ratelimit-reset`: the UNIX second at which the next whole token is added; with a
    /// full bucket, the current second.
    func reset(now: Double) -> Int {
        guard tokens < Double(capacity) else { return Int(now.rounded(.down)) }
        let missing = 1 - (tokens - tokens.rounded(.down))
        return Int((now + missing / refillPerSecond).rounded(.up))
    }
}
