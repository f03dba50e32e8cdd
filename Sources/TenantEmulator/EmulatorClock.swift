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
        if seconds >= 0, seconds < 253_402_300_800, seconds.rounded(.towardZero) == seconds {
            return wholeSeconds(Int(seconds))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// A whole number of seconds from 1970 to 9999, as ``iso8601(_:)`` writes it, by calendar
    /// arithmetic (days to civil date, proleptic Gregorian) instead of a date formatter made per
    /// call: what lets `--generate` make users quickly.
    static func wholeSeconds(_ total: Int) -> String {
        let days = total / 86_400
        let second = total % 86_400
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(digits(year, 4))-\(digits(month, 2))-\(digits(day, 2))T\(digits(second / 3_600, 2)):"
            + "\(digits(second / 60 % 60, 2)):\(digits(second % 60, 2)).000Z"
    }
}
