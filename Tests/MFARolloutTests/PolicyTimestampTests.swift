import Foundation
import Testing
@testable import MFARollout

@Suite("Policy ISO-8601 timestamps")
struct PolicyTimestampTests {
    /// Cross-checked against Foundation's ISO8601DateFormatter.
    @Test(arguments: [
        "2024-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2026-11-23T18:33:24Z",
        "1969-07-20T20:17:40Z", "2100-03-01T00:00:00Z", "2024-06-01T12:00:00+05:30", "2024-06-01T12:00:00-08:00",
    ])
    func agreesWithFoundation(text: String) throws {
        let expected = try #require(ISO8601DateFormatter().date(from: text)).timeIntervalSince1970
        #expect(ISO8601Timestamp.secondsSince1970(text) == expected)
    }

    @Test func forms() {
        #expect(ISO8601Timestamp.secondsSince1970("2024-01-01") == 1_704_067_200)
        #expect(ISO8601Timestamp.secondsSince1970("2024-01-01T00:00:00.250Z") == 1_704_067_200.25)
        #expect(ISO8601Timestamp.secondsSince1970("2024-01-01 01:00") == 1_704_070_800)
        #expect(ISO8601Timestamp.secondsSince1970("2024-01-01T01:00:00+0100") == 1_704_067_200)
        #expect(ISO8601Timestamp.secondsSince1970("2024-01-01T01:00:00+01") == 1_704_067_200)
    }

    @Test(arguments: ["", "2024", "2024-1-01", "2024-02-30", "2023-02-29", "2024-13-01", "2024-01-01T24:00:00Z",
                      "2024-01-01T10:60Z", "2024-01-01T10:00:00.Z", "2024-01-01Tx", "2024-01-01T10:00:00Q", "'2024-01-01"])
    func rejects(text: String) {
        #expect(ISO8601Timestamp.secondsSince1970(text) == nil)
    }
}
