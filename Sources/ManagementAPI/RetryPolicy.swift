import Foundation

/// A source of uniform random numbers in `0..<1`, injectable so tests can seed it.
package struct RandomSource: Sendable {
    private let next: @Sendable () -> Double

    package init(_ next: @escaping @Sendable () -> Double) {
        self.next = next
    }

    /// The system generator.
    package static let system = RandomSource { Double.random(in: 0..<1) }

    /// A deterministic generator (SplitMix64) for tests.
    package static func seeded(_ seed: UInt64) -> RandomSource {
        let state = SeededState(seed)
        return RandomSource { state.next() }
    }

    /// A number in `0..<1`.
    package func unit() -> Double {
        min(max(next(), 0), 0.999_999_999_999)
    }
}

private final class SeededState: @unchecked Sendable {
    private let lock = NSLock()
    private var state: UInt64

    init(_ seed: UInt64) { state = seed }

    func next() -> Double {
        lock.lock()
        defer { lock.unlock() }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}

/// When and how long to wait before trying a request again.
///
/// Retried: 429 (wait = `Retry-After`, else `reset - Date`, else backoff), 408, 5xx and
/// connection errors. Other 4xx are terminal. Each attempt takes a fresh rate-limit token.
package struct RetryPolicy: Sendable {
    /// How backoff delays are randomised.
    package enum Jitter: Sendable, Equatable {
        /// Exactly the exponential delay.
        case none
        /// Uniform in `0...delay` (AWS "full jitter").
        case full
        /// Uniform in `delay * (1 - fraction)...delay`.
        case partial(fraction: Double)
    }

    /// Attempts in total, the first included (1 = no retries).
    package var maxAttempts: Int
    /// Delay before the first retry, doubled for each further one.
    package var baseDelay: Duration
    /// Longest backoff delay.
    package var maxDelay: Duration
    package var jitter: Jitter
    /// Extra random wait added to a server-given wait (`reset - Date`), as a fraction of it:
    /// spreads workers that all waited for the same reset. 0.2 like node-auth0.
    package var serverWaitJitter: Double
    /// Longest server-given wait (`Retry-After`, reset) honoured; longer ones are capped to it.
    package var maxServerWait: Duration
    package var random: RandomSource

    package init(
        maxAttempts: Int = 5,
        baseDelay: Duration = .seconds(1),
        maxDelay: Duration = .seconds(60),
        jitter: Jitter = .full,
        serverWaitJitter: Double = 0.2,
        maxServerWait: Duration = .seconds(300),
        random: RandomSource = .system
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.serverWaitJitter = max(0, serverWaitJitter)
        self.maxServerWait = maxServerWait
        self.random = random
    }

    /// No retries at all.
    package static let none = RetryPolicy(maxAttempts: 1)

    /// Whether `error` is worth another attempt (see ``ManagementAPIError/isRetryable``).
    package func isRetryable(_ error: ManagementAPIError) -> Bool {
        error.isRetryable
    }

    /// The exponential backoff before retry number `retry` (1 = first retry), capped and jittered.
    package func backoff(retry: Int) -> Duration {
        let exponent = Double(max(0, retry - 1))
        let raw = baseDelay.secondsValue * pow(2, min(exponent, 60))
        let capped = min(raw, maxDelay.secondsValue)
        switch jitter {
        case .none:
            return .seconds(clamping: capped)
        case .full:
            return .seconds(clamping: capped * random.unit())
        case .partial(let fraction):
            let f = min(max(fraction, 0), 1)
            return .seconds(clamping: capped * (1 - f) + capped * f * random.unit())
        }
    }

    /// The wait before retrying after `error` on attempt `attempt` (1-based), or nil when the
    /// error is terminal or the attempts are used up.
    ///
    /// - Parameter serverWait: for a 429, `Retry-After` (preferred) or `reset - Date`.
    package func delay(after error: ManagementAPIError, attempt: Int, serverWait: Duration?) -> Duration? {
        guard attempt < maxAttempts, isRetryable(error) else { return nil }
        if case .rateLimited = error, let serverWait {
            let capped = min(serverWait, maxServerWait)
            return capped + .seconds(clamping: capped.secondsValue * serverWaitJitter * random.unit())
        }
        return backoff(retry: attempt)
    }
}
