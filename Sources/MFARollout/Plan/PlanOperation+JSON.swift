/// A fast, allocation-light JSON form of one operation, for streaming large plans.
///
/// JSONEncoder costs several microseconds an object; a plan of a few hundred thousand
/// operations is written with this instead. Keys are written sorted, as JSONEncoder's
/// `.sortedKeys` would; the tests decode the output with JSONDecoder to keep the two in step.
extension PlanOperation {
    func appendJSON(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        field("action", action.rawValue, first: true, &out)
        if let connection { field("connection", connection, &out) }
        field("current", current.rawValue, &out)
        field("desired", desired.rawValue, &out)
        if let email { field("email", email, &out) }
        field("file", file, &out)
        field("id", id, &out)
        out.append(contentsOf: Array(",\"line\":".utf8))
        out.append(contentsOf: String(line).utf8)
        field("reason", reason, &out)
        field("user_id", userID, &out)
        out.append(UInt8(ascii: "}"))
    }

    private func field(_ key: StaticString, _ value: String, first: Bool = false, _ out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        JSONString.append(value, to: &out)
    }
}

/// JSON string literals (RFC 8259 §7): quotes, backslash and control characters escaped.
enum JSONString {
    static func append(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most values need no escaping: copy them whole.
        var value = value
        let plain = value.withUTF8 { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            out.append(contentsOf: bytes)
            return true
        }
        if plain {
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
