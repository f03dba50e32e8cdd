import Foundation

/// The tenant's users, compactly: each user one ``PackedJSON`` record in large append-only
/// chunks of bytes, a location per user in insertion order, and an open-addressing table from
/// user id to position. A ``User`` is only made when one is asked for.
///
/// A value type: a copy (``TenantStore/snapshot()``) is a consistent view that later changes
/// of the original do not touch. Replacing a user appends its new record; the old one stays
/// unreachable in its chunk.
struct UserTable: Sendable {
    /// Size of a chunk; a larger record gets a chunk of its own.
    static let chunkSize = 4 << 20

    private var chunks: [[UInt8]] = []
    /// `chunk << 32 | offset` of each user's record, in insertion order.
    private var locations: [Int] = []
    /// Position + 1 of the user whose id hashes there, 0 for an empty entry; a power of two long.
    private var index: [Int32] = Array(repeating: 0, count: 1024)
    /// The object keys of every record.
    var keys = PackedKeys()
    /// A reused buffer for the record being made.
    private var scratch: [UInt8] = []

    init() {}

    /// The number of users.
    var count: Int { locations.count }

    /// Record layout: a byte saying whether `user_id` was a string member (then it is left out
    /// of the packed object and put back on decoding), a varint id length, the id, the packed
    /// object.
    private static let idIsMember: UInt8 = 1

    // MARK: Reading

    /// The position of the user with this id.
    func position(of id: String) -> Int? {
        var id = id
        return id.withUTF8 { position(ofID: $0) }
    }

    /// The position of the user whose id is these UTF-8 bytes.
    func position(ofID id: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = index.count - 1
        var probe = Self.hash(id) & mask
        while true {
            let entry = Int(index[probe])
            if entry == 0 { return nil }
            if idMatches(at: entry - 1, id) { return entry - 1 }
            probe = (probe + 1) & mask
        }
    }

    /// The user at a position (`0..<count`).
    func user(at position: Int) -> User {
        withRecord(at: position) { reader in
            let flag = reader.bytes[reader.position]
            reader.position += 1
            let id = reader.string()
            guard case .object(var fields) = reader.value() else { return User(fields: [:]) }
            if flag == Self.idIsMember { fields["user_id"] = .string(id) }
            return User(fields: fields)
        }
    }

    /// The id of the user at a position.
    func id(at position: Int) -> String {
        withRecord(at: position) { reader in
            reader.position += 1
            return reader.string()
        }
    }

    /// The users at `range` of positions, in order.
    func users(_ range: Range<Int>) -> [User] { range.map { user(at: $0) } }

    private func withRecord<T>(at position: Int, _ body: (inout PackedJSON.Reader) -> T) -> T {
        let location = locations[position]
        return chunks[location >> 32].withUnsafeBufferPointer { bytes in
            var reader = PackedJSON.Reader(bytes: bytes, position: location & 0xFFFF_FFFF, keys: keys)
            return body(&reader)
        }
    }

    /// Runs `body` with the UTF-8 of the id of the user at a position.
    private func withID<T>(at position: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        withRecord(at: position) { reader in
            reader.position += 1
            let length = Int(reader.varint())
            return body(UnsafeBufferPointer(rebasing: reader.bytes[reader.position..<reader.position + length]))
        }
    }

    private func idMatches(at position: Int, _ id: UnsafeBufferPointer<UInt8>) -> Bool {
        withID(at: position) { stored in
            stored.count == id.count && (id.isEmpty || memcmp(stored.baseAddress!, id.baseAddress!, id.count) == 0)
        }
    }

    // MARK: Writing

    /// Adds a user, or replaces the one with the same id in its position.
    mutating func put(_ user: User) {
        var fields = user.fields
        var flag: UInt8 = 0
        if case .string = fields["user_id"] {
            fields["user_id"] = nil
            flag = Self.idIsMember
        }
        var record = takeScratch()
        record.append(flag)
        PackedJSON.appendVarint(UInt64(user.id.utf8.count), to: &record)
        record.append(contentsOf: user.id.utf8)
        PackedJSON.append(.object(fields), to: &record, keys: &keys)
        store(record: record)
    }

    /// Adds or replaces a user whose packed object `write` appends (without `user_id`, which
    /// is `id`, a string; its keys numbered in ``keys``).
    mutating func put(id: UnsafeBufferPointer<UInt8>, write: (inout [UInt8]) -> Void) {
        var record = takeScratch()
        record.append(Self.idIsMember)
        PackedJSON.appendVarint(UInt64(id.count), to: &record)
        record.append(contentsOf: id)
        write(&record)
        store(record: record)
    }

    private mutating func takeScratch() -> [UInt8] {
        var record: [UInt8] = []
        swap(&record, &scratch)
        record.removeAll(keepingCapacity: true)
        return record
    }

    private mutating func store(record: [UInt8]) {
        let location = append(record)
        record.withUnsafeBufferPointer { bytes in
            var reader = PackedJSON.Reader(bytes: bytes, position: 1, keys: keys)
            let length = Int(reader.varint())
            let id = UnsafeBufferPointer(rebasing: bytes[reader.position..<reader.position + length])
            if let existing = position(ofID: id) {
                locations[existing] = location
            } else {
                locations.append(location)
                insertIntoIndex(position: locations.count - 1, id: id)
            }
        }
        scratch = record
    }

    private mutating func append(_ record: [UInt8]) -> Int {
        if chunks.isEmpty || chunks[chunks.count - 1].count + record.count > Self.chunkSize {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(max(Self.chunkSize, record.count))
            chunks.append(chunk)
        }
        let last = chunks.count - 1
        let offset = chunks[last].count
        chunks[last].append(contentsOf: record)
        return last << 32 | offset
    }

    private mutating func insertIntoIndex(position: Int, id: UnsafeBufferPointer<UInt8>) {
        if locations.count * 2 > index.count { growIndex() }
        let mask = index.count - 1
        var probe = Self.hash(id) & mask
        while index[probe] != 0 { probe = (probe + 1) & mask }
        index[probe] = Int32(position + 1)
    }

    /// Makes room for `count` users in all without growing the id table on the way.
    mutating func reserveCapacity(_ count: Int) {
        locations.reserveCapacity(count)
        var size = index.count
        while size < count * 2 { size *= 2 }
        if size > index.count { rebuildIndex(size: size) }
    }

    private mutating func growIndex() { rebuildIndex(size: index.count * 2) }

    private mutating func rebuildIndex(size: Int) {
        var index = [Int32](repeating: 0, count: size)
        let mask = size - 1
        for position in locations.indices {
            var probe = withID(at: position) { Self.hash($0) } & mask
            while index[probe] != 0 { probe = (probe + 1) & mask }
            index[probe] = Int32(position + 1)
        }
        self.index = index
    }

    /// FNV-1a over the bytes, then a final mix so that the low bits spread.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return Int(truncatingIfNeeded: hash)
    }
}
