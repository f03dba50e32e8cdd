import Crypto

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
    private var hasher = SHA256()

    public init(flagLocation: String) {
        update("mfa-rollout plan fingerprint v1\nflag \(flagLocation)\n")
    }

    public mutating func add(_ operation: PlanOperation) {
        update(
            "op \(operation.id) \(operation.userID.utf8.count):\(operation.userID) "
                + "\(operation.action.rawValue) \(operation.current.rawValue) \(operation.desired.rawValue)\n"
        )
    }

    public func finalize() -> String {
        "sha256:" + hasher.finalize().hexString
    }

    /// The fingerprint of a whole list of operations.
    public static func of(flagLocation: String, operations: [PlanOperation]) -> String {
        var fingerprint = Fingerprint(flagLocation: flagLocation)
        for operation in operations { fingerprint.add(operation) }
        return fingerprint.finalize()
    }

    private mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }
}

/// Stable operation ids.
public enum OperationID {
    /// `op_` and 24 hex digits of SHA-256 over the flag location, user id and action.
    public static func make(flagLocation: String, userID: String, action: PlanAction) -> String {
        var hasher = SHA256()
        var text = "mfa-rollout op v1\n\(flagLocation)\n\(userID.utf8.count):\(userID)\n\(action.rawValue)"
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return "op_" + String(hasher.finalize().hexString.prefix(24))
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal.
    var hexString: String {
        var out = ""
        out.reserveCapacity(64)
        let digits = Array("0123456789abcdef".utf8)
        for byte in self {
            out.unicodeScalars.append(UnicodeScalar(digits[Int(byte >> 4)]))
            out.unicodeScalars.append(UnicodeScalar(digits[Int(byte & 0x0f)]))
        }
        return out
    }
}
