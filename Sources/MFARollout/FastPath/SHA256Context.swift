import CLibCrypto

/// A SHA-256 state held inline: copying it or hashing with it allocates nothing.
///
/// swift-crypto's `SHA256` keeps its state in a class instance, one allocation per hash value.
/// That is right for secrets and bulk data, and it is what hashes the inputs and the plan file;
/// but a plan makes a short hash for every rollout bucket and every operation id, a million of
/// them for a million rows, and there the allocation cost more than the hashing. This uses
/// libcrypto's SHA-256 (OpenSSL, a system library like libcsv) with the state on the stack.
/// Nothing secret is hashed with it (user ids, flag locations, salts that are written in the
/// plan). `SHA256ContextTests` checks the results against `Crypto.SHA256`.
struct SHA256Context {
    private var context = SHA256_CTX()

    init() {
        SHA256_Init(&context)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        update(UnsafeRawBufferPointer(bytes))
    }

    /// The digest of everything fed so far, written to `body`'s 32 bytes (valid during the
    /// call). The state itself is left as it was, so a prefix state can be finalised again.
    func withDigest<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        var copy = context
        return try withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { digest in
            SHA256_Final(digest.baseAddress!.assumingMemoryBound(to: UInt8.self), &copy)
            return try body(UnsafeRawBufferPointer(digest))
        }
    }
}
