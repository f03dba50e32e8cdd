import Foundation

/// A small, allocation-free reader of the ISO-8601 dates that appear in exports and policies,
/// giving seconds since 1970-01-01T00:00:00Z.
///
/// Accepted: `YYYY-MM-DD` (midnight UTC) and `YYYY-MM-DDThh:mm[:ss[.fraction]][zone]` where the
/// separator is `T`, `t` or a space and zone is `Z`, `z`, `±hh:mm`, `±hhmm` or `±hh`; a time
/// without a zone is UTC. Fields are range-checked (no February 30th).
/// Foundation's ISO8601 formatters are avoided on purpose: this runs per row on the hot path.
package enum ISO8601Timestamp {
    /// The moment `text` names, in the forms above; nil when it is not one.
    package static func date(_ text: String) -> Date? {
        secondsSince1970(text).map(Date.init(timeIntervalSince1970:))
    }

    static func secondsSince1970(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = b.count
        guard n >= 10, let p = b.baseAddress else { return nil }
        let year = number(p, 0, 4)
        let month = number(p, 5, 2)
        let day = number(p, 8, 2)
        guard year >= 0, p[4] == 0x2D, month >= 0, p[7] == 0x2D, day >= 0 else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86400
        if n == 10 { return seconds }

        guard p[10] == 0x54 || p[10] == 0x74 || p[10] == 0x20 else { return nil }  // T t space
        guard n >= 16, p[13] == 0x3A else { return nil }
        let hour = number(p, 11, 2)
        let minute = number(p, 14, 2)
        guard hour >= 0, minute >= 0, hour < 24, minute < 60 else { return nil }
        var i = 16
        var second = 0.0
        if i < n, p[i] == 0x3A {
            guard n >= 19 else { return nil }
            let s = number(p, 17, 2)
            guard s >= 0, s < 60 else { return nil }
            second = Double(s)
            i = 19
            if i < n, p[i] == 0x2E || p[i] == 0x2C {  // . or ,
                i += 1
                // The digits as one integer over a power of ten: one rounding, not one a digit.
                // Digits past the 18th are checked but add nothing a Double could hold.
                let start = i
                var value = 0
                while i < n, p[i] >= 0x30 && p[i] <= 0x39 {
                    if i - start < 18 { value = value * 10 + Int(p[i] &- 0x30) }
                    i += 1
                }
                guard i > start else { return nil }
                second += Double(value) / powersOfTen[Swift.min(i - start, 18)]
            }
        }
        seconds += Double(hour * 3600 + minute * 60) + second
        if i == n { return seconds }

        switch p[i] {
        case 0x5A, 0x7A:  // Z z
            i += 1
        case 0x2B, 0x2D:  // + -
            let sign = p[i] == 0x2B ? 1 : -1
            guard i + 3 <= n else { return nil }
            let oh = number(p, i + 1, 2)
            guard oh >= 0, oh < 24 else { return nil }
            i += 3
            var om = 0
            if i < n {
                if p[i] == 0x3A { i += 1 }
                guard i + 2 <= n else { return nil }
                om = number(p, i, 2)
                guard om >= 0, om < 60 else { return nil }
                i += 2
            }
            seconds -= Double(sign * (oh * 3600 + om * 60))
        default:
            return nil
        }
        return i == n ? seconds : nil
    }

    /// The decimal number in `count` bytes at `offset`, or -1 when one is not a digit. The
    /// caller has checked that the bytes exist.
    @inline(__always)
    private static func number(_ p: UnsafePointer<UInt8>, _ offset: Int, _ count: Int) -> Int {
        var value = 0
        for k in offset..<offset + count {
            let digit = p[k] &- 0x30
            guard digit <= 9 else { return -1 }
            value = value * 10 + Int(digit)
        }
        return value
    }

    private static let powersOfTen: [Double] = (0...18).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    /// Inlined: `parse` calls it for every date of every row.
    @inline(__always)
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
