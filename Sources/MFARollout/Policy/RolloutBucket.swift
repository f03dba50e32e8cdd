/// A user's place in a percentage rollout: the same on every machine, for ever, for a given salt.
///
/// `h = SHA-256(UTF-8(salt + ":" + userID))`, `x` = the first 8 bytes of `h` read as a
/// big-endian `UInt64`, `bucket = Double(x) / 2^64 * 100`. A user is in a rollout of
/// `p` percent when `bucket < p`, so whoever is in at 10% stays in at 25% and 50%.
package enum RolloutBucket {
    /// The bucket in `[0, 100)` of `userID` under `salt`.
    package static func value(userID: String, salt: String) -> Double {
        Hasher(salt: salt).bucket(userID: userID)
    }

    /// Turns the first 8 bytes of a digest into a bucket.
    static func bucket(firstEightBytesOf digest: UnsafeRawBufferPointer) -> Double {
        var x: UInt64 = 0
        for i in 0..<8 { x = x << 8 | UInt64(digest[i]) }
        return Double(x) / 18446744073709551616.0 * 100.0
    }

    /// A SHA-256 state that has already taken in `salt + ":"`; copying it per user avoids
    /// re-hashing the salt, and being held inline, allocating.
    struct Hasher: Sendable {
        private let prefix: SHA256Context

        init(salt: String) {
            var h = SHA256Context()
            Array((salt + ":").utf8).withUnsafeBufferPointer { h.update($0) }
            prefix = h
        }

        func bucket(userID: String) -> Double {
            var id = userID
            return id.withUTF8 { bucket(userID: $0) }
        }

        /// The bucket of the user id whose UTF-8 is `userID`.
        func bucket(userID: UnsafeBufferPointer<UInt8>) -> Double {
            var h = prefix
            h.update(userID)
            return h.withDigest { RolloutBucket.bucket(firstEightBytesOf: $0) }
        }
    }
}
