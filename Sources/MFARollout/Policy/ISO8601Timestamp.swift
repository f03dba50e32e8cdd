/// A small, allocation-free reader of the ISO-8601 dates that appear in exports and policies,
/// giving seconds since 1970-01-01T00:00:00Z.
///
/// Accepted: `YYYY-MM-DD` (midnight UTC) and `YYYY-MM-DDThh:mm[:ss[.fraction]][zone]` where the
/// separator is `T`, `t` or a space and zone is `Z`, `z`, `±hh:mm`, `±hhmm` or `±hh`; a time
/// without a zone is UTC. Fields are range-checked (no February 30th).
/// Foundation's ISO8601 formatters are avoided on purpose: this runs per row on the hot path.
enum ISO8601Timestamp {
    static func secondsSince1970(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
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

        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86400
        if i == n { return seconds }

        guard b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20 else { return nil }  // T t space
        i += 1
        guard let hour = digits(2), expect(0x3A), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        var second = 0.0
        if expect(0x3A) {
            guard let s = digits(2), s < 60 else { return nil }
            second = Double(s)
            if i < n, b[i] == 0x2E || b[i] == 0x2C {  // . or ,
                i += 1
                var scale = 0.1
                var fraction = 0.0
                let start = i
                while i < n, b[i] >= 0x30 && b[i] <= 0x39 {
                    fraction += Double(b[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
                second += fraction
            }
        }
        seconds += Double(hour * 3600 + minute * 60) + second
        if i == n { return seconds }

        switch b[i] {
        case 0x5A, 0x7A:  // Z z
            i += 1
        case 0x2B, 0x2D:  // + -
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

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
