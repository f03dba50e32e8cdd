import Foundation
import Testing

@testable import TenantEmulator

@Suite("Timestamps")
struct TimestampTests {
    static func formatted(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    @Test("Whole seconds are written as Foundation's ISO-8601 formatter writes them")
    func wholeSeconds() {
        var random = SplitMix64(seed: 8601)
        var samples: [Int] = [
            0, 59, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_400, 4_107_628_800, 1_735_689_600,
            253_402_300_799,
        ]
        for _ in 0..<2_000 { samples.append(Int(random.next() % 253_402_300_800)) }
        for seconds in samples {
            #expect(Timestamp.wholeSeconds(seconds) == Self.formatted(Double(seconds)), "\(seconds)")
            #expect(Timestamp.iso8601(Double(seconds)) == Self.formatted(Double(seconds)))
        }
    }

    @Test("Fractions of a second still go through the formatter")
    func fractions() {
        #expect(Timestamp.iso8601(1_767_225_600.25) == Self.formatted(1_767_225_600.25))
    }
}
