/// The plan's fingerprint: SHA-256 over the flag location and the canonical operations.
///
/// A person quotes it when approving; `apply` recomputes it and refuses a plan whose
/// operations no longer hash to it. The canonical form, one line each, UTF-8:
///
///     mfa-rollout plan fingerprint v1
///     flag app_metadata.use_mfa
///     op <id> <utf8 length of user id>:<user id> <action> <current> <desired>
///
/// The user id is length-prefixed so that no id (ids may hold spaces or newlines) can
/// make two different plans hash alike. Emails, reasons and sources are context for
/// reviewers and are not covered. Written as `sha256:` and 64 lowercase hex digits.
public struct Fingerprint: Sendable {
    private var hasher = SHA256Context()
    /// One operation's line, reused: a single digest update per operation.
    private var line: [UInt8] = []

    public init(flagLocation: String) {
        update("mfa-rollout plan fingerprint v1\nflag \(flagLocation)\n")
    }

    mutating func add(_ operation: OperationFields) {
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: "op ".utf8)
        line.append(contentsOf: operation.id)
        line.append(UInt8(ascii: " "))
        line.appendDecimal(operation.userID.count)
        line.append(UInt8(ascii: ":"))
        line.append(contentsOf: operation.userID)
        line.append(UInt8(ascii: " "))
        Self.appendUTF8(of: operation.action.rawValue, to: &line)
        line.append(UInt8(ascii: " "))
        Self.appendUTF8(of: operation.current.rawValue, to: &line)
        line.append(UInt8(ascii: " "))
        Self.appendUTF8(of: operation.desired.rawValue, to: &line)
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBufferPointer { hasher.update($0) }
    }

    /// Appends `text`'s UTF-8 in one copy when the string is stored contiguously (native
    /// strings are), instead of through `String.UTF8View`'s element-wise path.
    @inline(__always)
    private static func appendUTF8(of text: String, to out: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
            out.append(contentsOf: text.utf8)
        }
    }

    public func finalize() -> String {
        "sha256:" + hasher.withDigest { $0.hexString }
    }

    /// The fingerprint of a whole list of operations.
    public static func of(flagLocation: String, operations: some Sequence<PlanOperation>) -> String {
        of(flagLocation: flagLocation, operations: PlanOperations(operations))
    }

    /// The fingerprint of a plan's operations, from their stored bytes.
    public static func of(flagLocation: String, operations: PlanOperations) -> String {
        var fingerprint = Fingerprint(flagLocation: flagLocation)
        withExtendedLifetime(operations) {
            for index in operations.indices { fingerprint.add(operations.fields(at: index)) }
        }
        return fingerprint.finalize()
    }

    private mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { hasher.update($0) }
    }
}

/// Stable operation ids.
///
/// 15 characters of lowercase base32 (RFC 4648 alphabet) over the first 75 bits of
/// SHA-256("mfa-rollout op v1\n" + flag location + "\n" + byte length of the user id + ":" +
/// user id + "\n" + action). 75 bits keep a collision among a million operations below one
/// in ten billion, and 15 ASCII characters fit Swift's inline small strings: a `PlanOperation`
/// holds its id without a heap allocation.
public enum OperationID {
    public static func make(flagLocation: String, userID: String, action: PlanAction) -> String {
        var id = userID
        return id.withUTF8 { make(flagLocation: flagLocation, userID: $0, action: action) }
    }

    /// The id for the user id whose UTF-8 is `userID`.
    public static func make(flagLocation: String, userID: UnsafeBufferPointer<UInt8>, action: PlanAction) -> String {
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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64 + flag.count + userID.count) { text in
            var end = 0
            func append(_ bytes: UnsafeBufferPointer<UInt8>) {
                guard let base = bytes.baseAddress else { return }
                (text.baseAddress! + end).update(from: base, count: bytes.count)
                end += bytes.count
            }
            let prefix: StaticString = "mfa-rollout op v1\n"
            append(UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
            append(flag)
            text[end] = UInt8(ascii: "\n")
            end += 1
            var digits = String(userID.count)
            digits.withUTF8 { append($0) }
            text[end] = UInt8(ascii: ":")
            end += 1
            append(userID)
            text[end] = UInt8(ascii: "\n")
            end += 1
            var name = action.rawValue
            name.withUTF8 { append($0) }
            var hasher = SHA256Context()
            hasher.update(UnsafeBufferPointer(rebasing: text[..<end]))
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
