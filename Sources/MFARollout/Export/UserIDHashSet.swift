/// A 128-bit fingerprint of a user id's UTF-8 bytes.
struct UserIDFingerprint: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    /// Two SipHash-1-3 values (Swift's `Hasher`) of the bytes, each preceded by a different
    /// fixed word so the two are independent. `Hasher` is seeded per process, which is all
    /// this needs: fingerprints never leave the process.
    init(_ bytes: UnsafeRawBufferPointer) {
        var first = Hasher()
        first.combine(0x9E37_79B9_7F4A_7C15 as UInt64)
        first.combine(bytes: bytes)
        var second = Hasher()
        second.combine(0xC2B2_AE3D_27D4_EB4F as UInt64)
        second.combine(bytes: bytes)
        high = UInt64(truncatingIfNeeded: first.finalize())
        low = UInt64(truncatingIfNeeded: second.finalize())
        if high == 0 && low == 0 { low = 1 }  // (0, 0) marks an empty slot
    }

    init(_ userID: String) {
        var copy = userID
        self = copy.withUTF8 { UserIDFingerprint(UnsafeRawBufferPointer($0)) }
    }
}

/// The set of user ids seen so far, for duplicate detection across all inputs.
///
/// Stores only a 128-bit fingerprint per id (16 bytes), in an open-addressing table with
/// linear probing that grows by 1.5× at 80 % load: for 1M ids the table holds 1.25M–1.9M
/// slots, 20–30 MB (a `Set` would round to 2^21 buckets, 32 MB plus its own hashing).
///
/// Collisions: two different ids share a fingerprint with probability 2^-128 per pair, so
/// among n ids the chance of any false duplicate is about n²/2^129 (≈ 1.5e-27 for 1M ids).
/// The message for a real duplicate names the first occurrence, found by re-reading the file
/// inputs (`ExportReader` does this once for all duplicates); the re-read compares the
/// fingerprints again, so it does not need the ids in memory either.
struct UserIDHashSet {
    private var slots: [UInt64]
    private(set) var count = 0
    private var capacity: Int

    init(minimumCapacity: Int = 1024) {
        capacity = max(minimumCapacity, 16)
        slots = Array(repeating: 0, count: capacity * 2)
    }

    /// Bytes held by the table.
    var memoryFootprint: Int { slots.count * MemoryLayout<UInt64>.stride }

    @inline(__always)
    private func home(_ key: UserIDFingerprint, capacity: Int) -> Int {
        Int(truncatingIfNeeded: key.high.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    func contains(_ key: UserIDFingerprint) -> Bool {
        var index = home(key, capacity: capacity)
        while true {
            let high = slots[index * 2], low = slots[index * 2 + 1]
            if high == 0 && low == 0 { return false }
            if high == key.high && low == key.low { return true }
            index += 1
            if index == capacity { index = 0 }
        }
    }

    /// Inserts `key`; returns false when it was already present.
    @discardableResult
    mutating func insert(_ key: UserIDFingerprint) -> Bool {
        if (count + 1) * 5 > capacity * 4 { grow() }
        let inserted = Self.place(key, in: &slots, capacity: capacity)
        if inserted { count += 1 }
        return inserted
    }

    private static func place(_ key: UserIDFingerprint, in slots: inout [UInt64], capacity: Int) -> Bool {
        var index = Int(truncatingIfNeeded: key.high.multipliedFullWidth(by: UInt64(capacity)).high)
        return slots.withUnsafeMutableBufferPointer { table in
            while true {
                let high = table[index * 2], low = table[index * 2 + 1]
                if high == 0 && low == 0 {
                    table[index * 2] = key.high
                    table[index * 2 + 1] = key.low
                    return true
                }
                if high == key.high && low == key.low { return false }
                index += 1
                if index == capacity { index = 0 }
            }
        }
    }

    private mutating func grow() {
        let newCapacity = capacity + capacity / 2
        var newSlots = [UInt64](repeating: 0, count: newCapacity * 2)
        for index in 0..<capacity {
            let high = slots[index * 2], low = slots[index * 2 + 1]
            if high != 0 || low != 0 {
                _ = Self.place(UserIDFingerprint(high: high, low: low), in: &newSlots, capacity: newCapacity)
            }
        }
        slots = newSlots
        capacity = newCapacity
    }
}

extension UserIDFingerprint {
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}
