/// The allow and deny lists (``UserList``s) looked up from a row's bytes, both at once: what
/// `plan` asks of the lists for every row.
///
/// `UserList.contains(userID:email:)` is the reference: it takes `String`s, so asking it of
/// two lists costs two strings made and four `Set` lookups per row. Here an ASCII value (the
/// usual case) is hashed once, emails lowercased on the way, and looked up in one table of
/// every list's ASCII entries, each entry marked with the lists that hold it. Anything else
/// goes to the reference, so the answers are the same: a value that is not ASCII, and an
/// ASCII value missing from a list that holds entries that are not ASCII (a `String` can
/// equal one of those: U+212A KELVIN SIGN is "K").
final class UserListMatcher: @unchecked Sendable {
    // Immutable after `init`: safe to share across threads, hence `@unchecked Sendable`.
    private let lists: [UserList]
    private let ids: ByteStringTable
    private let emails: ByteStringTable
    /// Bit `i`: `lists[i]` has an id, or a (lowercased) email, that is not ASCII.
    private let idsNeedStrings: UInt8
    private let emailsNeedStrings: UInt8
    /// Bit `i`: `lists[i]` has ids, or emails.
    private let haveIDs: UInt8
    private let haveEmails: UInt8

    /// Looks up `lists` (at most eight): bit `i` of an answer stands for `lists[i]`.
    init(_ lists: [UserList]) {
        precondition(lists.count <= 8, "at most eight lists")
        self.lists = lists
        var idMembers: [(String, UInt8)] = []
        var emailMembers: [(String, UInt8)] = []
        var idsNeedStrings: UInt8 = 0
        var emailsNeedStrings: UInt8 = 0
        var haveIDs: UInt8 = 0
        var haveEmails: UInt8 = 0
        for (index, list) in lists.enumerated() {
            let bit = UInt8(1) << UInt8(index)
            for id in list.ids {
                haveIDs |= bit
                if id.isASCIIText { idMembers.append((id, bit)) } else { idsNeedStrings |= bit }
            }
            for email in list.emails {
                haveEmails |= bit
                if email.isASCIIText { emailMembers.append((email, bit)) } else { emailsNeedStrings |= bit }
            }
        }
        ids = ByteStringTable(idMembers, ignoringASCIICase: false)
        emails = ByteStringTable(emailMembers, ignoringASCIICase: true)
        self.idsNeedStrings = idsNeedStrings
        self.emailsNeedStrings = emailsNeedStrings
        self.haveIDs = haveIDs
        self.haveEmails = haveEmails
    }

    /// Every list is empty.
    var isEmpty: Bool { haveIDs | haveEmails == 0 }

    /// Which lists hold the row's user id or email (UTF-8; nil when the export has no such
    /// column): bit `i` is `lists[i].contains(userID:email:)` for the same text.
    func lists(holdingUserID userID: UnsafeBufferPointer<UInt8>?, email: UnsafeBufferPointer<UInt8>?) -> UInt8 {
        var found: UInt8 = 0
        if let userID, haveIDs != 0 {
            if userID.isASCII {
                found = ids.lists(holding: userID)
                if idsNeedStrings & ~found != 0 {
                    found |= reference(idsNeedStrings & ~found) {
                        $0.contains(userID: String(decoding: userID, as: UTF8.self), email: nil)
                    }
                }
            } else {
                found = reference(haveIDs) { $0.contains(userID: String(decoding: userID, as: UTF8.self), email: nil) }
            }
        }
        guard let email, haveEmails & ~found != 0, !email.isEmpty else { return found }
        if email.isASCII {
            found |= emails.lists(holding: email)
            if emailsNeedStrings & ~found != 0 {
                found |= reference(emailsNeedStrings & ~found) {
                    $0.contains(userID: nil, email: String(decoding: email, as: UTF8.self))
                }
            }
        } else {
            found |= reference(haveEmails & ~found) {
                $0.contains(userID: nil, email: String(decoding: email, as: UTF8.self))
            }
        }
        return found
    }

    /// The lists among `candidates` for which `contains` holds.
    private func reference(_ candidates: UInt8, _ contains: (UserList) -> Bool) -> UInt8 {
        var found: UInt8 = 0
        for (index, list) in lists.enumerated() where candidates & (1 << UInt8(index)) != 0 && contains(list) {
            found |= 1 << UInt8(index)
        }
        return found
    }
}

/// A fixed set of ASCII strings, each marked with bits, looked up by bytes: open addressing
/// over a power-of-two table at most half full, each slot the hash, the bits and the place of
/// its string in one pool. With `ignoringASCIICase`, the members are lowercase and a value is
/// looked up as if lowercased (eight bytes at a time, nothing copied).
///
/// Lists are short and nearly every value looked up is in none of them, so a 4096-bit filter
/// over each member's length and last eight bytes turns most values away before they are
/// hashed whole.
struct ByteStringTable: ~Copyable {
    private struct Slot {
        /// 0: empty (stored hashes have their top bit set).
        var hash: UInt64 = 0
        var start: Int32 = 0
        var count: Int32 = 0
        var bits: UInt8 = 0
    }

    private let slots: UnsafeMutableBufferPointer<Slot>
    private let pool: UnsafeMutableBufferPointer<UInt8>
    /// Bit `filterBit(member)` is set for every member.
    private let filter: UnsafeMutableBufferPointer<UInt64>
    private static let filterWords = 64
    private let mask: Int
    private let ignoringASCIICase: Bool

    init(_ members: [(String, UInt8)], ignoringASCIICase: Bool) {
        self.ignoringASCIICase = ignoringASCIICase
        var capacity = 2
        while capacity < members.count * 2 { capacity *= 2 }
        let slots = UnsafeMutableBufferPointer<Slot>.allocate(capacity: capacity)
        slots.initialize(repeating: Slot())
        let pool = UnsafeMutableBufferPointer<UInt8>.allocate(
            capacity: max(1, members.reduce(0) { $0 + $1.0.utf8.count }))
        let filter = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: Self.filterWords)
        filter.initialize(repeating: 0)
        var used = 0
        for (member, bits) in members {
            let start = used
            for byte in member.utf8 {
                pool[used] = byte
                used += 1
            }
            let bytes = UnsafeBufferPointer(rebasing: pool[start..<used])
            let bit = Self.filterBit(bytes, lowering: ignoringASCIICase)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
            let hash = Self.hash(bytes, lowering: ignoringASCIICase)
            var index = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[index].hash != 0 {
                if slots[index].hash == hash && Self.equal(slots[index], bytes, pool, lowering: false) { break }
                index = (index + 1) & (capacity - 1)
            }
            if slots[index].hash == 0 {
                slots[index] = Slot(hash: hash, start: Int32(start), count: Int32(used - start))
            } else {
                used = start  // a member of another list too: one copy, both bits
            }
            slots[index].bits |= bits
        }
        self.slots = slots
        self.pool = pool
        self.filter = filter
        mask = capacity - 1
    }

    deinit {
        slots.deallocate()
        pool.deallocate()
        filter.deallocate()
    }

    /// The bits of the member `bytes` (ASCII) equals, byte for byte or ignoring ASCII case;
    /// 0 when none does.
    @inline(__always)
    func lists(holding bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let bit = Self.filterBit(bytes, lowering: ignoringASCIICase)
        if filter[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return 0 }
        let hash = Self.hash(bytes, lowering: ignoringASCIICase)
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot.hash == 0 { return 0 }
            if slot.hash == hash && Self.equal(slot, bytes, pool, lowering: ignoringASCIICase) { return slot.bits }
            index = (index + 1) & mask
        }
    }

    private static func equal(
        _ slot: Slot, _ bytes: UnsafeBufferPointer<UInt8>, _ pool: UnsafeMutableBufferPointer<UInt8>, lowering: Bool
    ) -> Bool {
        guard Int(slot.count) == bytes.count else { return false }
        let start = Int(slot.start)
        for k in 0..<bytes.count {
            var c = bytes[k]
            if lowering && c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != pool[start + k] { return false }
        }
        return true
    }

    /// ASCII letters of the eight bytes of `word` (every byte below 0x80) in lowercase.
    @inline(__always)
    private static func lowered(_ word: UInt64) -> UInt64 {
        let atLeastA = word &+ 0x3F3F_3F3F_3F3F_3F3F
        let pastZ = word &+ 0x2525_2525_2525_2525
        return word | ((atLeastA ^ pastZ) & 0x8080_8080_8080_8080) >> 2
    }

    /// The filter's bit for `bytes` (ASCII): a hash of the length and the last eight bytes
    /// (lowercased with `lowering`), which tell apart most ids and emails of one length.
    @inline(__always)
    private static func filterBit(_ bytes: UnsafeBufferPointer<UInt8>, lowering: Bool) -> Int {
        let count = bytes.count
        var word: UInt64 = 0
        if count >= 8 {
            word = UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            for k in 0..<count { word |= UInt64(bytes[k]) << UInt64(8 * k) }
        }
        if lowering { word = lowered(word) }
        let mixed = (word ^ (UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 52) & (filterWords * 64 - 1)
    }

    /// A multiply-and-fold hash of eight bytes at a time, top bit set. The table is built from
    /// the lists only, so a value chosen to collide costs at most one walk over the entries
    /// that are already adjacent, as any value does.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, lowering: Bool) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var last: UInt64 = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var offset = 0
            while offset + 8 <= bytes.count {
                var word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                if lowering { word = lowered(word) }
                h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                offset += 8
            }
            var shift: UInt64 = 0
            while offset < bytes.count {
                last |= UInt64(base[offset]) << shift
                shift += 8
                offset += 1
            }
        }
        if lowering { last = lowered(last) }
        h = (h ^ last) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return h | 1 << 63
    }
}

extension String {
    /// Every UTF-8 byte is below 0x80.
    fileprivate var isASCIIText: Bool { utf8.allSatisfy { $0 < 0x80 } }
}
