/// A fast, allocation-light JSON form of one operation, for streaming large plans.
///
/// JSONEncoder costs several microseconds an object; a plan of a few hundred thousand
/// operations is written with this instead. Keys are written sorted, as JSONEncoder's
/// `.sortedKeys` would; the tests decode the output with JSONDecoder to keep the two in step.
extension PlanOperation {
    func appendJSON(to out: inout [UInt8]) {
        append("{\"action\":", to: &out)
        JSONString.append(action.rawValue, to: &out)
        if let connection {
            append(",\"connection\":", to: &out)
            JSONString.append(connection, to: &out)
        }
        append(",\"current\":", to: &out)
        JSONString.append(current.rawValue, to: &out)
        append(",\"desired\":", to: &out)
        JSONString.append(desired.rawValue, to: &out)
        if let email {
            append(",\"email\":", to: &out)
            JSONString.append(email, to: &out)
        }
        append(",\"file\":", to: &out)
        JSONString.append(file, to: &out)
        append(",\"id\":", to: &out)
        JSONString.append(id, to: &out)
        append(",\"line\":", to: &out)
        out.appendDecimal(line)
        append(",\"reason\":", to: &out)
        JSONString.append(reason, to: &out)
        append(",\"user_id\":", to: &out)
        JSONString.append(userID, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private func append(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}

extension [UInt8] {
    /// Appends `value` in decimal ASCII without making a `String` (negative values, which the
    /// plan never writes, go through one).
    mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(contentsOf: String(value).utf8)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var v = value
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }
}

/// JSON string literals (RFC 8259 §7): quotes, backslash and control characters escaped.
enum JSONString {
    static func append(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most values need no escaping: copy them whole.
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !needsEscaping(bytes) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any byte is a control character, `"` or `\\`. Eight bytes at a time: a plan
    /// escapes-checks every value of every operation, some hundred bytes each.
    @inline(__always)
    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Exact per word: a byte's high bit is set in `(x - n·ones) & ~x & highs` for some
        // byte iff some byte of x is below n (n ≤ 128), and a zero byte is "below 1".
        @inline(__always) func flagged(_ x: UInt64) -> Bool {
            let control = (x &- 0x20 &* ones) & ~x
            let quote = x ^ (0x22 &* ones), backslash = x ^ (0x5C &* ones)
            return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & highs != 0
        }
        var index = 0
        while index + 8 <= bytes.count {
            if flagged(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
            index += 8
        }
        while index < bytes.count {
            let byte = base[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            index += 1
        }
        return false
    }
}
