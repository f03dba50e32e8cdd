/// A monotonic clock the rate limiter, the retry loop and the token cache read and sleep on.
///
/// Instants are ``Duration``s since an origin chosen by the clock, so a test can substitute a
/// virtual clock that advances instantly instead of waiting.
package protocol APIClock: Sendable {
    /// The current instant, measured from the clock's origin.
    var now: Duration { get }
    /// Suspends until `deadline` (an instant from ``now``); returns at once if it has passed.
    /// Throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Duration) async throws
}

/// The real clock: `ContinuousClock` (keeps counting while the machine sleeps).
package struct SystemAPIClock: APIClock {
    private let origin: ContinuousClock.Instant

    package init() {
        self.origin = ContinuousClock.now
    }

    package var now: Duration {
        ContinuousClock.now - origin
    }

    package func sleep(until deadline: Duration) async throws {
        try await Task.sleep(until: origin + deadline, clock: .continuous)
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var secondsValue: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// A duration from floating-point seconds; negative and non-finite values become zero.
    static func seconds(clamping value: Double) -> Duration {
        guard value.isFinite, value > 0 else { return .zero }
        return .nanoseconds(Int64(min(value, 9e9) * 1e9))
    }
}
