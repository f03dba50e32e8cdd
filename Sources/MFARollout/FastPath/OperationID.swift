/// Stable operation ids.
///
/// 15 characters of lowercase base32 (RFC 4648 alphabet) over the first 75 bits of
/// SHA-256("mfa-rollout op v1\n" + flag location + "\n" + byte length of the user id + ":" +
/// user id + "\n" + action). 75 bits keep a collision among a million operations below one
/// in ten billion, and 15 ASCII characters fit Swift's inline small strings: a `PlanOperation`
/// holds its id without a heap allocation.
package enum OperationID {
    package static func make(flagLocation: String, userID: String, action: PlanAction) -> String {
        var id = userID
        return id.withUTF8 { make(flagLocation: flagLocation, userID: $0, action: action) }
    }

    /// The id for the user id whose UTF-8 is `userID`.
    package static func make(flagLocation: String, userID: UnsafeBufferPointer<UInt8>, action: PlanAction) -> String {
        var flag = flagLocation
        return flag.withUTF8 { flag in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { out in
                write(flagLocation: flag, userID: userID, action: action, to: out.baseAddress!)
                return String(decoding: UnsafeBufferPointer(out), as: UTF8.self)
            }
        }
    }

    /// The number of ASCII characters in an id.
    static let length = 15

    /// Writes the id (`length` ASCII bytes) to `out`; `flagLocation` is the location's UTF-8.
    static func write(
        flagLocation flag: UnsafeBufferPointer<UInt8>, userID: UnsafeBufferPointer<UInt8>, action: PlanAction,
        to out: UnsafeMutablePointer<UInt8>
    ) {
        // Room for the fixed text, the length's digits and the action's name (at most 16).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32 + 21 + 16 + flag.count + userID.count) { text in
            var message = JSONOutput(text.baseAddress!, at: 0)
            message.raw("mfa-rollout op v1\n")
            message.raw(flag)
            message.byte(UInt8(ascii: "\n"))
            message.decimal(userID.count)
            message.byte(UInt8(ascii: ":"))
            message.raw(userID)
            message.byte(UInt8(ascii: "\n"))
            message.raw(action.rawValue)
            var hasher = SHA256Context()
            hasher.update(UnsafeBufferPointer(rebasing: text[..<message.position]))
            hasher.withDigest { encode($0, to: out) }
        }
    }

    /// The first 75 bits of the digest `bytes` as 15 base32 characters.
    private static func encode(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>) {
        // 75 bits, five at a time, most significant first.
        var acc: UInt64 = 0
        for i in 0..<8 { acc = acc << 8 | UInt64(bytes[i]) }
        let tail = UInt64(bytes[8]) << 8 | UInt64(bytes[9])
        for i in 0..<12 { out[i] = base32[Int((acc >> UInt64(59 - 5 * i)) & 31)] }
        let rest = (acc & 0xF) << 16 | tail  // the last 4 bits of acc, then 16 more
        for i in 0..<3 { out[12 + i] = base32[Int((rest >> UInt64(15 - 5 * i)) & 31)] }
    }

    private static let base32: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
}
