/// One token bucket shared by every worker that talks to the tenant.
///
/// ``acquire()`` waits for a token. After each response the client feeds the server's view in
/// ``observe(_:localNow:)``: the local tokens are lowered to `x-ratelimit-remaining` when the
/// server has fewer (never raised), the bucket shrinks to `x-ratelimit-limit` when that is
/// smaller, and with none remaining the bucket pauses until `x-ratelimit-reset` (measured
/// against the server's `Date`). A 429 pauses everyone via ``pause(for:)``.
///
/// Requests in flight count against the burst: the bucket holds at most `burst - inFlight`
/// tokens, and each ``acquire()`` must be paired with one ``release()`` once the answer (or
/// failure) is in. Why: while requests travel, the server's bucket may sit full and stop
/// refilling, so a local bucket that kept refilling would run ahead of it and earn 429s.
/// With the cap, local tokens + unprocessed requests never exceed the server's tokens.
package actor RateLimiter {
    /// The limit this limiter was created with.
    package nonisolated let configured: RateLimit
    private let clock: any APIClock
    private let rate: Double
    private var burst: Double
    private var tokens: Double
    private var lastRefill: Duration
    private var pausedUntil: Duration = .zero
    /// Acquired and not yet released.
    package private(set) var inFlight = 0
    /// Requests let through so far.
    package private(set) var acquiredCount = 0
    /// Times the server's headers lowered the local tokens or paused the bucket.
    package private(set) var correctionCount = 0

    /// - Parameters:
    ///   - limit: rate and burst.
    ///   - clock: time source; a virtual clock in tests.
    ///   - initialTokens: tokens at start; a full bucket when nil.
    package init(_ limit: RateLimit, clock: any APIClock = SystemAPIClock(), initialTokens: Int? = nil) {
        self.configured = limit
        self.clock = clock
        self.rate = limit.rate
        self.burst = Double(limit.burst)
        self.tokens = Double(min(initialTokens ?? limit.burst, limit.burst))
        self.lastRefill = clock.now
    }

    /// Waits until a token is available and takes it.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    package func acquire() async throws {
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
                inFlight += 1
                acquiredCount += 1
                return
            }
            // Other waiters may take the token first; then this loop sleeps again.
            try await clock.sleep(until: now + .seconds(clamping: (1 - tokens) / rate))
        }
    }

    /// Marks one acquired request as answered (or failed); call exactly once per ``acquire()``.
    package func release() {
        refill(clock.now)
        inFlight = max(0, inFlight - 1)
    }

    /// Corrects the bucket from a response's rate-limit headers.
    /// - Parameter localNow: local wall-clock seconds since 1970, used only when the response had no `Date`.
    package func observe(_ headers: RateLimitHeaders, localNow: Double) {
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
            // `reset` (rounded up) and `Date` (rounded down) are whole seconds, so the true wait
            // lies in (delay - 2 s, delay]. Read as "when tokens are next added", a steady
            // stream sees delay <= 2 s every time the server's bucket runs dry; pausing on
            // that would throw away up to 2 s of rate. So pause only for the part that is
            // certain; the zeroed tokens already make the next request wait one refill interval.
            let wait = delay - .seconds(2)
            if wait > .zero {
                pauseLocked(until: now + wait)
            }
            tokens = min(tokens, 0)
            corrected = true
        }
        if corrected { correctionCount += 1 }
    }

    /// Empties the bucket and lets nothing through for `duration` (after a 429).
    package func pause(for duration: Duration) {
        let now = clock.now
        refill(now)
        tokens = min(tokens, 0)
        pauseLocked(until: now + duration)
        correctionCount += 1
    }

    /// Tokens available now (for diagnostics and tests).
    package var availableTokens: Double {
        refill(clock.now)
        return tokens
    }

    /// The bucket size now (lowered when the server reported a smaller `x-ratelimit-limit`).
    package var currentBurst: Int { Int(burst) }

    private func pauseLocked(until deadline: Duration) {
        if deadline > pausedUntil { pausedUntil = deadline }
    }

    private func refill(_ now: Duration) {
        guard now > lastRefill else { return }
        let cap = max(0, burst - Double(inFlight))
        if tokens < cap {
            tokens = min(cap, tokens + (now - lastRefill).secondsValue * rate)
        }
        lastRefill = now
    }
}
