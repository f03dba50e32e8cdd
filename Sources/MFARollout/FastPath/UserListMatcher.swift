/// An allow or deny list (``UserList``) looked up from a row's bytes: what `plan` asks of both
/// lists for every row.
///
/// `UserList.contains(userID:email:)` is the reference: it takes `String`s, so asking it
/// costs two strings made and four `Set` lookups per row. Here ASCII values (the usual case)
/// are looked up as bytes in tables of the list's ASCII entries, emails lowercased into a
/// buffer on the stack; anything else goes to the reference, so the answers are the same:
/// a value that is not ASCII, and an ASCII value missing from a list that holds entries that
/// are not ASCII (a `String` can equal one of those: U+212A KELVIN SIGN is "K").
final class UserListMatcher: @unchecked Sendable {
    // Immutable after `init`: safe to share across threads, hence `@unchecked Sendable`.
    private let list: UserList
    private let ids: ByteStringTable
    private let emails: ByteStringTable
    /// Some id, or some (lowercased) email, is not ASCII.
    private let idsNeedStrings: Bool
    private let emailsNeedStrings: Bool

    init(_ list: UserList) {
        self.list = list
        ids = ByteStringTable(list.ids.filter(\.isASCIIText))
        emails = ByteStringTable(list.emails.filter(\.isASCIIText))
        idsNeedStrings = list.ids.contains { !$0.isASCIIText }
        emailsNeedStrings = list.emails.contains { !$0.isASCIIText }
    }

    /// The list has no entry.
    var isEmpty: Bool { list.isEmpty }

    /// Whether the row's user id or email (UTF-8; nil when the export has no such column) is
    /// on the list: the answer of `UserList.contains(userID:email:)` for the same text.
    func contains(userID: UnsafeBufferPointer<UInt8>?, email: UnsafeBufferPointer<UInt8>?) -> Bool {
        if let userID, !list.ids.isEmpty {
            if userID.isASCII {
                if ids.contains(userID) { return true }
                if idsNeedStrings && list.ids.contains(String(decoding: userID, as: UTF8.self)) { return true }
            } else if list.ids.contains(String(decoding: userID, as: UTF8.self)) {
                return true
            }
        }
        guard let email, !list.emails.isEmpty, !email.isEmpty else { return false }
        if !email.isASCII {
            return list.contains(userID: nil, email: String(decoding: email, as: UTF8.self))
        }
        let found = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: email.count) { lower in
            for k in 0..<email.count {
                let c = email[k]
                lower[k] = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
            }
            return emails.contains(UnsafeBufferPointer(lower))
        }
        if found { return true }
        return emailsNeedStrings && list.contains(userID: nil, email: String(decoding: email, as: UTF8.self))
    }
}

/// A fixed set of byte strings with exact lookup: open addressing over a power-of-two table
/// at most half full, each slot the hash and the place of its string in one pool.
struct ByteStringTable: ~Copyable {
    private struct Slot {
        /// 0: empty (stored hashes have their top bit set).
        var hash: UInt64 = 0
        var start = 0
        var count = 0
    }

    private let slots: UnsafeMutableBufferPointer<Slot>
    private let pool: UnsafeMutableBufferPointer<UInt8>
    private let mask: Int

    init(_ members: some Collection<String>) {
        var capacity = 2
        while capacity < members.count * 2 { capacity *= 2 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot())
        mask = capacity - 1
        pool = .allocate(capacity: max(1, members.reduce(0) { $0 + $1.utf8.count }))
        var used = 0
        for member in members {
            let start = used
            for byte in member.utf8 {
                pool[used] = byte
                used += 1
            }
            let bytes = UnsafeBufferPointer(rebasing: pool[start..<used])
            let hash = Self.hash(bytes)
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index].hash != 0 {
                // A repeat cannot occur: the members come from a `Set`. Skip it all the same.
                if slots[index].hash == hash && Self.equal(slots[index], bytes, pool) { break }
                index = (index + 1) & mask
            }
            slots[index] = Slot(hash: hash, start: start, count: used - start)
        }
    }

    deinit {
        slots.deallocate()
        pool.deallocate()
    }

    /// Whether `bytes` is one of the members, byte for byte.
    @inline(__always)
    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let hash = Self.hash(bytes)
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot.hash == 0 { return false }
            if slot.hash == hash && Self.equal(slot, bytes, pool) { return true }
            index = (index + 1) & mask
        }
    }

    @inline(__always)
    private static func equal(
        _ slot: Slot, _ bytes: UnsafeBufferPointer<UInt8>, _ pool: UnsafeMutableBufferPointer<UInt8>
    )
        -> Bool
    {
        slot.count == bytes.count
            && (slot.count == 0
                || POSIX.equal(UnsafePointer(pool.baseAddress! + slot.start), bytes.baseAddress!, count: slot.count))
    }

    /// A multiply-and-fold hash of eight bytes at a time, top bit set. The table is built from
    /// the list only, so a value chosen to collide costs at most one walk over the entries
    /// that are already adjacent, as any value does.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h | 1 << 63 }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            offset += 8
        }
        var last: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            last |= UInt64(base[offset]) << shift
            shift += 8
            offset += 1
        }
        h = (h ^ last) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return h | 1 << 63
    }
}

extension String {
    /// Every UTF-8 byte is below 0x80.
    fileprivate var isASCIIText: Bool { utf8.allSatisfy { $0 < 0x80 } }
}
