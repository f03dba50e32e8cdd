/// How many requests `apply` keeps in flight: by Little's law, the rate the limiter allows
/// times the time a request takes (measured during the run), with some headroom, so that a
/// slow network does not cap the run below its rate limit; never more than the ceiling
/// (`--concurrency`).
///
/// At 200 requests a second and 100 ms a request, 20 must be in flight to hold the rate;
/// a fixed 8 would cap the run at 80 a second. On loopback (a millisecond a request) a few
/// suffice.
package struct InFlightSizing: Sendable, Equatable {
    /// Requests in flight at most (`--concurrency`).
    package let ceiling: Int
    /// Requests a second the rate limiter allows; nil without a limiter (the ceiling applies).
    package let rate: Double?
    /// The smoothed round trip of a request, in seconds; nil before the first answer.
    package private(set) var latency: Double?

    /// Weight of each new round trip in the smoothed one.
    static let smoothing = 0.1
    /// In flight beyond rate × latency: round trips vary, and a request waiting for the
    /// limiter's next token is in flight too.
    static let headroom = 1.5

    package init(ceiling: Int, rate: Double?) {
        self.ceiling = max(1, ceiling)
        self.rate = rate
    }

    /// Takes one measured round trip into the smoothed latency.
    package mutating func observe(roundTrip seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        latency = latency.map { $0 + Self.smoothing * (seconds - $0) } ?? seconds
    }

    /// Requests to keep in flight now: ⌈rate × latency × headroom⌉ + 1, within 1…ceiling; the
    /// ceiling until a round trip is measured (the limiter's bucket paces the first ones).
    package var target: Int {
        guard let rate, rate.isFinite, rate > 0, let latency else { return ceiling }
        let wanted = (rate * latency * Self.headroom).rounded(.up) + 1
        return wanted >= Double(ceiling) ? ceiling : max(1, Int(wanted))
    }
}
