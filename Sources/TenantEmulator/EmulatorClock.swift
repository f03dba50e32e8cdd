import Foundation
import Synchronization

/// The emulator's notion of now, in UNIX seconds. Tests inject a ``ManualClock`` so that
/// buckets, token expiry, export jobs and link expiry are checked without sleeping.
package protocol EmulatorClock: Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    func now() -> Double
}

/// The wall clock.
package struct SystemClock: EmulatorClock {
    package init() {}
    package func now() -> Double { Date().timeIntervalSince1970 }
}

/// A clock that moves only when told to.
package final class ManualClock: EmulatorClock {
    private let current: Mutex<Double>

    /// Starts at `start` UNIX seconds (default 2026-01-01T00:00:00Z).
    package init(start: Double = 1_767_225_600) {
        current = Mutex(start)
    }

    package func now() -> Double { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    package func advance(by seconds: Double) {
        current.withLock { $0 += seconds }
    }
}

extension EmulatorClock {
    /// Now as Auth0 writes dates: ISO-8601 with milliseconds, UTC.
    func timestamp() -> String { Timestamp.iso8601(now()) }
}

enum Timestamp {
    /// `2026-01-01T00:00:00.000Z`.
    static func iso8601(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
