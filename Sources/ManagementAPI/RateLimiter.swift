/// One token bucket shared by every worker that talks to the tenant.
///
/// ``acquire()`` waits for a token. After each response the client feeds the server's view in
/// ``observe(_:localNow:)``: the local tokens are lowered to `x-ratelimit-remaining` when the
/// server has fewer (never raised), the bucket shrinks to `x-ratelimit-limit` when that is
/// smaller, and with none remaining the bucket pauses until `x-ratelimit-reset` (measured
/// against the server's `Date`). A 429 pauses everyone via ``pause(for:)``.
public actor RateLimiter {
    /// The limit this limiter was created with.
    public nonisolated let configured: RateLimit
    private let clock: any APIClock
    private let rate: Double
    private var burst: Double
    private var tokens: Double
    private var lastRefill: Duration
    private var pausedUntil: Duration = .zero
    /// Requests let through so far.
    public private(set) var acquiredCount = 0
    /// Times the server's headers lowered the local tokens or paused the bucket.
    public private(set) var correctionCount = 0

    /// - Parameters:
    ///   - limit: rate and burst.
    ///   - clock: time source; a virtual clock in tests.
    ///   - initialTokens: tokens at start; a full bucket when nil.
    public init(_ limit: RateLimit, clock: any APIClock = SystemAPIClock(), initialTokens: Int? = nil) {
        self.configured = limit
        self.clock = clock
        self.rate = limit.rate
        self.burst = Double(limit.burst)
        self.tokens = Double(min(initialTokens ?? limit.burst, limit.burst))
        self.lastRefill = clock.now
    }

    /// Waits until a token is available and takes it.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func acquire() async throws {
        while true {
            try Task.checkCancellation()
            let now = clock.now
            refill(now)
            if now < pausedUntil {
                try await clock.sleep(until: pausedUntil)
                continue
            }
            if tokens >= 1 {
                tokens -= 1
                acquiredCount += 1
                return
            }
            // Other waiters may take the token first; then this loop sleeps again.
            try await clock.sleep(until: now + .seconds(clamping: (1 - tokens) / rate))
        }
    }

    /// Corrects the bucket from a response's rate-limit headers.
    /// - Parameter localNow: local wall-clock seconds since 1970, used only when the response had no `Date`.
    public func observe(_ headers: RateLimitHeaders, localNow: Double) {
        let now = clock.now
        refill(now)
        var corrected = false
        if let limit = headers.limit, limit >= 1, Double(limit) < burst {
            burst = Double(limit)
            tokens = min(tokens, burst)
            corrected = true
        }
        if let remaining = headers.remaining, Double(remaining) < tokens {
            tokens = Double(max(remaining, 0))
            corrected = true
        }
        if let remaining = headers.remaining, remaining <= 0,
            let delay = headers.resetDelay(localNow: localNow)
        {
            // `reset` and `Date` are whole seconds: the true wait lies in (delay - 1 s, delay].
            // The lower bound keeps a steady stream (where the server's bucket is routinely
            // empty and reset is "next second") at full rate; the zeroed tokens still make the
            // next request wait one refill interval.
            let wait = delay - .seconds(1)
            if wait > .zero {
                pauseLocked(until: now + wait)
            }
            tokens = min(tokens, 0)
            corrected = true
        }
        if corrected { correctionCount += 1 }
    }

    /// Empties the bucket and lets nothing through for `duration` (after a 429).
    public func pause(for duration: Duration) {
        let now = clock.now
        refill(now)
        tokens = min(tokens, 0)
        pauseLocked(until: now + duration)
        correctionCount += 1
    }

    /// Tokens available now (for diagnostics and tests).
    public var availableTokens: Double {
        refill(clock.now)
        return tokens
    }

    /// The bucket size now (lowered when the server reported a smaller `x-ratelimit-limit`).
    public var currentBurst: Int { Int(burst) }

    private func pauseLocked(until deadline: Duration) {
        if deadline > pausedUntil { pausedUntil = deadline }
    }

    private func refill(_ now: Duration) {
        guard now > lastRefill else { return }
        tokens = min(burst, tokens + (now - lastRefill).secondsValue * rate)
        lastRefill = now
    }
}
