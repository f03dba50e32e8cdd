import NIOHTTP1
import Testing

@testable import ManagementAPI

@Suite struct RateLimitHeadersTests {
    // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
    @Test func parsesHTTPDates() {
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sun Nov  6 08:49:37 1994") == 784_111_777)
        #expect(HTTPDate.parse("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPDate.parse("yesterday") == nil)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
    }

    @Test(arguments: [Int64(0), 784_111_777, 951_782_400, 1_700_000_000, 4_102_444_799])
    func formatAndParseRoundTrip(seconds: Int64) {
        #expect(HTTPDate.parse(HTTPDate.format(seconds)) == seconds)
    }

    @Test func readsAllHeaders() {
        let headers = HTTPHeaders([
            ("x-ratelimit-limit", "50"), ("x-ratelimit-remaining", "7"), ("x-ratelimit-reset", "1700000003"),
            ("Date", HTTPDate.format(1_700_000_000)), ("Retry-After", "4"),
        ])
        let limits = RateLimitHeaders(headers: headers)
        #expect(
            limits
                == RateLimitHeaders(
                    limit: 50, remaining: 7, reset: 1_700_000_003, retryAfter: .seconds(4), serverDate: 1_700_000_000))
        #expect(!limits.isEmpty)
    }

    @Test func resetIsMeasuredAgainstServerDateNotLocalClock() {
        let limits = RateLimitHeaders(remaining: 0, reset: 1_700_000_005, serverDate: 1_700_000_000)
        // The local clock is 100 s ahead of the server: it must not matter.
        #expect(limits.resetDelay(localNow: 1_700_000_100) == .seconds(5))
        // Also when the local clock is behind.
        #expect(limits.resetDelay(localNow: 1_600_000_000) == .seconds(5))
    }

    @Test func resetFallsBackToLocalClockWithoutDate() {
        let limits = RateLimitHeaders(remaining: 0, reset: 1_700_000_005)
        #expect(limits.resetDelay(localNow: 1_700_000_002) == .seconds(3))
        #expect(limits.resetDelay(localNow: 1_700_000_009) == .zero)
    }

    @Test func retryAfterSecondsAndDate() {
        let seconds = RateLimitHeaders(headers: HTTPHeaders([("retry-after", "12")]))
        #expect(seconds.retryAfterDelay(localNow: 0) == .seconds(12))
        let date = RateLimitHeaders(
            headers: HTTPHeaders([
                ("Retry-After", HTTPDate.format(1_700_000_030)), ("Date", HTTPDate.format(1_700_000_000)),
            ]))
        #expect(date.retryAfter == .date(1_700_000_030))
        #expect(date.retryAfterDelay(localNow: 5) == .seconds(30))
    }

    @Test func malformedValuesCountAsAbsent() {
        let limits = RateLimitHeaders(
            headers: HTTPHeaders([
                ("x-ratelimit-limit", "many"), ("x-ratelimit-remaining", ""), ("retry-after", "-3"), ("date", "soon"),
            ]))
        #expect(limits.isEmpty)
        #expect(limits.serverDate == nil)
    }
}
