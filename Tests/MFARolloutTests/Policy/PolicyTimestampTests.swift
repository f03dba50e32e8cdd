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

    @Test(arguments: [
        "", "2024", "2024-1-01", "2024-02-30", "2023-02-29", "2024-13-01", "2024-01-01T24:00:00Z",
        "2024-01-01T10:60Z", "2024-01-01T10:00:00.Z", "2024-01-01Tx", "2024-01-01T10:00:00Q", "'2024-01-01",
    ])
    func rejects(text: String) {
        #expect(ISO8601Timestamp.secondsSince1970(text) == nil)
    }
}

/// The reader as first written (one small step per field, a closure per digit run), kept as a
/// reference for the table-free rewrite: the two must accept and reject the same strings and
/// agree on every value. Its fraction is the digits over a power of ten, as in the rewrite.
private enum ReferenceTimestamp {
    static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        var i = 0
        let n = b.count
        func digits(_ count: Int) -> Int? {
            guard i + count <= n else { return nil }
            var v = 0
            for k in 0..<count {
                let c = b[i + k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += count
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < n, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2) else {
            return nil
        }
        guard (1...12).contains(month), day >= 1, day <= ISO8601Timestamp.daysIn(month: month, year: year) else {
            return nil
        }
        var seconds = Double(ISO8601Timestamp.daysFromCivil(year: year, month: month, day: day)) * 86400
        if i == n { return seconds }
        guard b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20 else { return nil }
        i += 1
        guard let hour = digits(2), expect(0x3A), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        var second = 0.0
        if expect(0x3A) {
            guard let s = digits(2), s < 60 else { return nil }
            second = Double(s)
            if i < n, b[i] == 0x2E || b[i] == 0x2C {
                i += 1
                let start = i
                var text = ""
                while i < n, b[i] >= 0x30 && b[i] <= 0x39 {
                    text.append(Character(UnicodeScalar(b[i])))
                    i += 1
                }
                guard i > start else { return nil }
                let kept = String(text.prefix(18))
                second += Double(Int(kept)!) / pow(10, Double(kept.count))
            }
        }
        seconds += Double(hour * 3600 + minute * 60) + second
        if i == n { return seconds }
        switch b[i] {
        case 0x5A, 0x7A:
            i += 1
        case 0x2B, 0x2D:
            let sign = b[i] == 0x2B ? 1 : -1
            i += 1
            guard let oh = digits(2), oh < 24 else { return nil }
            var om = 0
            if i < n {
                _ = expect(0x3A)
                guard let m = digits(2), m < 60 else { return nil }
                om = m
            }
            seconds -= Double(sign * (oh * 3600 + om * 60))
        default:
            return nil
        }
        return i == n ? seconds : nil
    }
}

@Suite("Policy ISO-8601 timestamps: rewrite against reference")
struct PolicyTimestampDifferentialTests {
    /// 60,000 strings made by mutating valid timestamps of every accepted form (a character
    /// deleted, inserted, replaced, or the string cut short), from a fixed seed.
    @Test func agreesWithReferenceOnMutatedStrings() {
        let seeds = [
            "2024-01-01", "2024-02-29T23:59:59Z", "2026-11-04T23:18:31.644Z", "2024-01-01 01:00",
            "2024-01-01T01:00:00+0100", "2024-01-01T01:00:00+01", "2024-06-01T12:00:00-08:00",
            "2024-01-01T00:00:00,5z", "1969-07-20t20:17:40.123456789012345678901Z", "2024-01-01T10:00",
        ]
        let alphabet = Array("0123456789-:Tt Zz+.,x".utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {  // SplitMix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        var disagreements: [String] = []
        var accepted = 0
        for round in 0..<60_000 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<(1 + next(2)) {
                switch next(4) {
                case 0 where !bytes.isEmpty: bytes.remove(at: next(bytes.count))
                case 1: bytes.insert(alphabet[next(alphabet.count)], at: next(bytes.count + 1))
                case 2 where !bytes.isEmpty: bytes[next(bytes.count)] = alphabet[next(alphabet.count)]
                default: bytes.removeLast(next(Swift.min(bytes.count, 6) + 1))
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let expected = ReferenceTimestamp.parse(text)
            if expected != nil { accepted += 1 }
            if ISO8601Timestamp.secondsSince1970(text) != expected, disagreements.count < 10 {
                disagreements.append(text)
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(accepted > 5_000, "the mutations must leave many valid timestamps to compare values on")
    }

    @Test func fractions() {
        #expect(ISO8601Timestamp.secondsSince1970("1970-01-01T00:00:00.123Z") == 0.123)
        #expect(ISO8601Timestamp.secondsSince1970("1970-01-01T00:00:00.000000000000000000001Z") == 0)
        #expect(ISO8601Timestamp.secondsSince1970("1970-01-01T00:00:00.999999999999999999999Z") == 0.999999999999999999)
    }
}
