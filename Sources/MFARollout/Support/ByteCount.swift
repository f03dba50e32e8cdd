/// Sizes in bytes as a person reads them in a message.
package enum ByteCount {
    /// `1 MiB`, `512 KiB` for whole multiples, else `1500 bytes`.
    package static func text(_ bytes: Int) -> String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift {
            if bytes % (1 << shift) == 0 { return "\(bytes >> shift) \(unit)" }
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}
