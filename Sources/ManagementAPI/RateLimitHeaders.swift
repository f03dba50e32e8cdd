import Foundation
import NIOHTTP1

/// The rate-limit facts a Management API response carries:
/// `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (UNIX seconds),
/// `Retry-After` (seconds or HTTP date) and the server's `Date`.
///
/// Waits are computed against the server's `Date`, not the local clock: `reset - Date`.
package struct RateLimitHeaders: Sendable, Equatable {
    /// `Retry-After` as sent.
    package enum RetryAfter: Sendable, Equatable {
        case seconds(Int)
        /// An HTTP date, as seconds since 1970.
        case date(Int64)
    }

    /// `x-ratelimit-limit`: the bucket size.
    package var limit: Int?
    /// `x-ratelimit-remaining`: tokens left after this request.
    package var remaining: Int?
    /// `x-ratelimit-reset`: UNIX seconds when tokens are next added.
    package var reset: Int64?
    /// `Retry-After`.
    package var retryAfter: RetryAfter?
    /// The server's `Date`, as seconds since 1970.
    package var serverDate: Int64?

    package init(
        limit: Int? = nil, remaining: Int? = nil, reset: Int64? = nil,
        retryAfter: RetryAfter? = nil, serverDate: Int64? = nil
    ) {
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
        self.retryAfter = retryAfter
        self.serverDate = serverDate
    }

    /// Reads the headers; malformed values count as absent.
    package init(headers: HTTPHeaders) {
        func integer(_ name: String) -> Int64? {
            headers.first(name: name).flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        }
        limit = integer("x-ratelimit-limit").map { Int(clamping: $0) }
        remaining = integer("x-ratelimit-remaining").map { Int(clamping: $0) }
        reset = integer("x-ratelimit-reset")
        serverDate = headers.first(name: "date").flatMap(HTTPDate.parse)
        retryAfter = headers.first(name: "retry-after").flatMap(Self.parseRetryAfter)
    }

    static func parseRetryAfter(_ text: String) -> RetryAfter? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return seconds >= 0 ? .seconds(seconds) : nil }
        return HTTPDate.parse(trimmed).map(RetryAfter.date)
    }

    /// Any rate-limit header was present.
    package var isEmpty: Bool {
        limit == nil && remaining == nil && reset == nil && retryAfter == nil
    }

    /// How long until `x-ratelimit-reset`, measured against the server's `Date`
    /// (or `localNow`, seconds since 1970, when the server sent no `Date`). Never negative.
    package func resetDelay(localNow: Double) -> Duration? {
        guard let reset else { return nil }
        let now = serverDate.map(Double.init) ?? localNow
        return .seconds(clamping: Double(reset) - now)
    }

    /// How long `Retry-After` asks to wait; an HTTP date is measured against the server's `Date`
    /// (or `localNow`). Never negative.
    package func retryAfterDelay(localNow: Double) -> Duration? {
        switch retryAfter {
        case nil: return nil
        case .seconds(let seconds): return .seconds(seconds)
        case .date(let date):
            let now = serverDate.map(Double.init) ?? localNow
            return .seconds(clamping: Double(date) - now)
        }
    }
}

/// Parsing of HTTP dates (RFC 9110 IMF-fixdate, plus the obsolete RFC 850 and asctime forms).
package enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970 for `Sun, 06 Nov 1994 08:49:37 GMT` (and obsolete forms); nil when malformed.
    package static func parse(_ text: String) -> Int64? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        for word in words {
            let lower = word.lowercased()
            if let index = months.firstIndex(of: lower) {
                month = index + 1
            } else if word.contains(":") {
                let parts = word.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3 else { return nil }
                time = (parts[0], parts[1], parts[2])
            } else if word.contains("-") {
                // RFC 850: 06-Nov-94
                let parts = word.split(separator: "-").map(String.init)
                guard parts.count == 3, let d = Int(parts[0]), let y = Int(parts[2]),
                    let m = months.firstIndex(of: parts[1].lowercased())
                else { return nil }
                day = d
                month = m + 1
                year = y < 70 ? 2000 + y : (y < 100 ? 1900 + y : y)
            } else if let number = Int(word) {
                if number > 31 { year = number } else { day = number }
            }
        }
        guard let day, let month, let year, let (hour, minute, second) = time,
            (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Formats seconds since 1970 as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    package static func format(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((days % 7) + 7) % 7)]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let monthName = months[Int(month) - 1].capitalized
        return "\(weekday), \(two(Int(day))) \(monthName) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }
}
