/// Shares one `String` per distinct value of a column with few distinct values (connections),
/// looked up by bytes, so a plan of a million operations holds a handful of strings, not a
/// million copies.
struct StringInterner {
    private var small: [(bytes: [UInt8], string: String)] = []
    private var large: Set<String> = []
    /// Values beyond this many are kept in a `Set`, found by making a `String` first.
    private static let smallLimit = 32

    /// The shared `String` for `bytes` (UTF-8).
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        for entry in small where entry.bytes.withUnsafeBufferPointer({ $0.equals(bytes) }) {
            return entry.string
        }
        let string = String(decoding: bytes, as: UTF8.self)
        if small.count < Self.smallLimit {
            small.append((Array(bytes), string))
            return string
        }
        return large.insert(string).memberAfterInsert
    }
}
