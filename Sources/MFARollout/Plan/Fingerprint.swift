import Crypto

/// The plan's fingerprint: SHA-256 over every byte of the plan file except the fingerprint
/// itself.
///
/// The plan file ends with its fingerprint, on a line of its own:
///
///       "applicable" : true,
///       "fingerprint" : "sha256:<64 lowercase hex digits>"
///     }
///
/// and the fingerprint is SHA-256 over every byte before that line (its two spaces of
/// indentation are the line's). Whatever decides what `apply`, `emit` or `undo` may do is in
/// those bytes — format version, tenant, flag, mode, guards and their results, outcome,
/// applicability, times, input digests, every field of every operation — so any edit of the
/// file, even of one space, is seen. A person quotes the fingerprint when approving; the
/// commands that read a plan recompute it and refuse a plan that no longer hashes to it.
package enum Fingerprint {
    /// `sha256:` and 64 lowercase hex digits.
    static let length = 7 + 64

    /// What precedes the fingerprint's value on its line.
    static let linePrefix = Array("  \"fingerprint\" : \"".utf8)
    /// What follows it: the end of the line and of the file.
    static let lineSuffix = Array("\"\n}\n".utf8)
    /// The bytes the fingerprint line and the file's end take.
    static var trailerLength: Int { linePrefix.count + length + lineSuffix.count }

    /// The file's last line and closing brace, for `fingerprint`.
    static func trailer(_ fingerprint: String) -> [UInt8] {
        linePrefix + Array(fingerprint.utf8) + lineSuffix
    }

    /// The fingerprint `plan`'s file has (the plan's own `fingerprint` field is not read).
    package static func of(_ plan: Plan) -> String {
        var hasher = Hasher()
        PlanFile.stream(plan, fingerprint: nil) { hasher.update($0) }
        return hasher.finalize()
    }

    /// Where the covered bytes of a plan file end, and the fingerprint its last line records;
    /// nil when the file does not end with a well-formed fingerprint line.
    static func recorded(in file: UnsafeRawBufferPointer) -> (coveredCount: Int, fingerprint: String)? {
        guard file.count >= trailerLength else { return nil }
        let start = file.count - trailerLength
        let value = start + linePrefix.count
        guard file[start..<value].elementsEqual(linePrefix),
            file[(value + length)...].elementsEqual(lineSuffix),
            file[value..<(value + 7)].elementsEqual("sha256:".utf8),
            file[(value + 7)..<(value + length)].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return (start, String(decoding: file[value..<(value + length)], as: UTF8.self))
    }

    /// SHA-256 over bytes given in pieces, written as a fingerprint.
    struct Hasher {
        private var sha256 = SHA256()

        mutating func update(_ bytes: [UInt8]) {
            sha256.update(data: bytes)
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            sha256.update(bufferPointer: bytes)
        }

        func finalize() -> String {
            "sha256:" + sha256.finalize().hexString
        }
    }
}

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

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal.
    var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
