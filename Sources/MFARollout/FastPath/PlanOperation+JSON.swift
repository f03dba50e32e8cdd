/// A fast, allocation-free JSON form of one operation, for streaming large plans.
///
/// JSONEncoder costs several microseconds an object; a plan of a few hundred thousand
/// operations is written with this instead, from the operation's bytes. Keys are written
/// sorted, as JSONEncoder's `.sortedKeys` would write a `PlanOperation`; the tests decode the
/// output with JSONDecoder to keep the two in step.
extension OperationFields {
    /// The most bytes `writeJSON` can write: every string byte escaped as `\u00XX`, and a
    /// 21-byte line number (the fixed part counts the keys and literals, the source's too).
    var jsonCapacity: Int {
        var strings = file.count + id.count + reason.count + userID.count
        strings += (email?.count ?? 0) + (connection?.count ?? 0)
        strings += (source?.current?.count ?? 0) + (source?.desired?.count ?? 0)
        return 260 + 21 + 6 * strings
    }

    /// Writes the operation as one JSON object; `json` must have `jsonCapacity` bytes of room.
    func writeJSON(to json: inout JSONOutput) {
        json.raw("{\"action\":")
        json.raw(Self.literal(action))
        if let connection {
            json.raw(",\"connection\":")
            json.string(connection)
        }
        json.raw(",\"current\":")
        json.raw(Self.literal(current))
        json.raw(",\"desired\":")
        json.raw(Self.literal(desired))
        if let email {
            json.raw(",\"email\":")
            json.string(email)
        }
        json.raw(",\"file\":")
        json.string(file)
        json.raw(",\"id\":")
        json.string(id)
        json.raw(",\"line\":")
        json.decimal(line)
        json.raw(",\"reason\":")
        json.string(reason)
        if let source {
            json.raw(",\"source_current\":")
            if let current = source.current { json.string(current) } else { json.raw("null") }
            json.raw(",\"source_desired\":")
            if let desired = source.desired { json.string(desired) } else { json.raw("null") }
        }
        json.raw(",\"user_id\":")
        json.string(userID)
        json.byte(UInt8(ascii: "}"))
    }

    // The enums' raw values as JSON strings (`jsonCapacity` counts 260 bytes for these and the keys).
    private static func literal(_ action: PlanAction) -> StaticString {
        switch action {
        case .enable: "\"enable\""
        case .disable: "\"disable\""
        case .unset: "\"unset\""
        }
    }

    private static func literal(_ value: FlagValue) -> StaticString {
        switch value {
        case .on: "\"true\""
        case .off: "\"false\""
        case .absent: "\"absent\""
        case .other: "\"other\""
        }
    }

    /// Appends the operation as one JSON object.
    func appendJSON(to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: jsonCapacity) { buffer in
            var json = JSONOutput(buffer.baseAddress!, at: 0)
            writeJSON(to: &json)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<json.position]))
        }
    }
}

/// Writes JSON into memory the caller has made room in, without a capacity check per write:
/// the plan's writer makes hundreds of thousands of objects, and checking (and possibly
/// growing) an array for each of a dozen fields cost more than the writing. The caller
/// reserves the worst case (`string` writes at most 2 + 6 bytes per input byte, `decimal` 21).
struct JSONOutput {
    private let base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far, from `base`.
    private(set) var position: Int

    init(_ base: UnsafeMutablePointer<UInt8>, at position: Int) {
        self.base = base
        self.position = position
    }

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        base[position] = byte
        position += 1
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        (base + position).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        position += text.utf8CodeUnitCount
    }

    /// The bytes as they are.
    @inline(__always)
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (base + position).update(from: source, count: bytes.count)
        position += bytes.count
    }

    /// A short `String`'s UTF-8 as it is (an enum's raw value); the caller has made room.
    @inline(__always)
    mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { raw($0) }
    }

    /// `value` in decimal; negative values (the plan writes none) with a minus sign.
    mutating func decimal(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        var digits = 1
        var rest = value.magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        rest = value.magnitude
        for index in stride(from: digits - 1, through: 0, by: -1) {
            base[position + index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        position += digits
    }

    /// `value` as a JSON string literal (RFC 8259 §7): quotes, backslash and control
    /// characters escaped.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string($0) }
    }

    /// The UTF-8 `value` as a JSON string literal (RFC 8259 §7).
    mutating func string(_ value: UnsafeBufferPointer<UInt8>) {
        byte(UInt8(ascii: "\""))
        if JSONString.needsEscaping(value) {
            for byte in value { escaped(byte) }
        } else if let source = value.baseAddress {
            // Most values need no escaping: copy them whole.
            (base + position).update(from: source, count: value.count)
            position += value.count
        }
        byte(UInt8(ascii: "\""))
    }

    private mutating func escaped(_ value: UInt8) {
        switch value {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            byte(UInt8(ascii: "\\"))
            byte(value)
        case 0x0A:
            byte(UInt8(ascii: "\\"))
            byte(UInt8(ascii: "n"))
        case 0x0D:
            byte(UInt8(ascii: "\\"))
            byte(UInt8(ascii: "r"))
        case 0x09:
            byte(UInt8(ascii: "\\"))
            byte(UInt8(ascii: "t"))
        case 0..<0x20:
            raw("\\u00")
            byte(Self.hex[Int(value >> 4)])
            byte(Self.hex[Int(value & 0x0F)])
        default:
            byte(value)
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}

/// JSON string literals (RFC 8259 §7).
enum JSONString {
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
            let quote = x ^ (0x22 &* ones)
            let backslash = x ^ (0x5C &* ones)
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
