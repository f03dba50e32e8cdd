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
        appendDecimal(line, to: &out)
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

    private func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(contentsOf: String(value).utf8)
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
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }
}

/// JSON string literals (RFC 8259 §7): quotes, backslash and control characters escaped.
enum JSONString {
    static func append(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most values need no escaping: copy them whole.
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
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
}
