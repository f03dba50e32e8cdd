import CPlatform

/// A 128-bit fingerprint of a user id's UTF-8 bytes.
struct UserIDFingerprint: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// SipHash-1-3 with 128-bit output over the bytes, keyed with a random per-process key
    /// (fingerprints never leave the process). One inlined pass: this runs once per row.
    @inline(__always)
    init(_ bytes: UnsafeRawBufferPointer) {
        self.init(bytes, key: UserIDFingerprint.key)
    }

    /// SipHash-1-3-128 with a given key (tests compare it with a reference).
    @inline(__always)
    init(_ bytes: UnsafeRawBufferPointer, key: (UInt64, UInt64)) {
        var v0: UInt64 = 0x736F_6D65_7073_6575 ^ key.0
        var v1: UInt64 = 0x646F_7261_6E64_6F6D ^ key.1 ^ 0xEE
        var v2: UInt64 = 0x6C79_6765_6E65_7261 ^ key.0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key.1
        @inline(__always) func round() {
            v0 = v0 &+ v1
            v1 = (v1 << 13) | (v1 >> 51)
            v1 ^= v0
            v0 = (v0 << 32) | (v0 >> 32)
            v2 = v2 &+ v3
            v3 = (v3 << 16) | (v3 >> 48)
            v3 ^= v2
            v0 = v0 &+ v3
            v3 = (v3 << 21) | (v3 >> 43)
            v3 ^= v0
            v2 = v2 &+ v1
            v1 = (v1 << 17) | (v1 >> 47)
            v1 ^= v2
            v2 = (v2 << 32) | (v2 >> 32)
        }
        let count = bytes.count
        var offset = 0
        if let base = bytes.baseAddress {
            while offset + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                v3 ^= word
                round()
                v0 ^= word
                offset += 8
            }
        }
        var last = UInt64(truncatingIfNeeded: count) << 56
        let remaining = count - offset
        if remaining > 0 && count >= 8, let base = bytes.baseAddress {
            // The last `remaining` bytes are the high ones of the word that ends the input.
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            last |= word >> UInt64(64 - 8 * remaining)
        } else {
            var shift: UInt64 = 0
            while offset < count {
                last |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
        }
        v3 ^= last
        round()
        v0 ^= last
        v2 ^= 0xEE
        round()
        round()
        round()
        high = v0 ^ v1 ^ v2 ^ v3
        v1 ^= 0xDD
        round()
        round()
        round()
        low = v0 ^ v1 ^ v2 ^ v3
        if high == 0 && low == 0 { low = 1 }  // (0, 0) marks an empty slot
    }

    /// The per-process random SipHash key.
    static let key: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()

    init(_ userID: String) {
        var copy = userID
        self = copy.withUTF8 { UserIDFingerprint(UnsafeRawBufferPointer($0)) }
    }
}

/// The set of user ids seen so far, for duplicate detection across all inputs.
///
/// Stores only a 128-bit fingerprint per id (16 bytes), in an open-addressing table with
/// linear probing that grows by 1.5× at 80 % load: for 1M ids the table holds 1.25M–1.9M
/// slots, 20–30 MB (a `Set` would round to 2^21 buckets, 32 MB, and hash every key again).
/// While it grows, the old and the new table exist together for a moment.
///
/// Collisions: two different ids share a fingerprint with probability 2^-128 per pair, so
/// among n ids the chance of any false duplicate is about n²/2^129 (≈ 1.5e-27 for 1M ids).
/// The message for a real duplicate names the first occurrence, found by re-reading the file
/// inputs (`ExportReader` does this once for all duplicates); the re-read compares the
/// fingerprints again, so it does not need the ids in memory either.
///
/// The table is far larger than the CPU caches, so each lookup is a cache miss: the reader
/// calls `prefetch` as soon as a row's user id field is parsed, and the miss overlaps with
/// libcsv parsing the rest of the row.
///
/// A large table starts out staged: its pages are faulted in on a thread of its own
/// (`mfa_prefault_start`), and meanwhile ids go to a small staging set. The first insert after
/// the faulting ends (or after the staging set has taken an eighth of the table's capacity,
/// when it waits for the faulting) moves the staged ids into the table. Without this, the
/// first few thousand rows would wait for the kernel to zero the whole table.
final class UserIDHashSet {
    private var slots: UnsafeMutablePointer<UInt64>
    /// Ids in `slots` (those in `staging` are not counted here).
    private var stored = 0
    private var capacity: Int
    /// Holds the ids while `prefault` is faulting `slots` in; nil once they have moved.
    private var staging: UserIDHashSet?
    private var prefault: OpaquePointer?

    /// Number of ids in the set.
    var count: Int { stored + (staging?.count ?? 0) }

    /// - Parameter stage: whether a large table may be faulted in on another thread while a
    ///   staging set takes the first ids (see the type's notes). Off for the staging set
    ///   itself, and in tests that compare the two.
    init(minimumCapacity: Int = 1024, stage: Bool = true) {
        capacity = max(minimumCapacity, 16)
        slots = Self.allocateZeroed(words: capacity * 2)
        #if os(Linux)
            if stage && Self.isMapped(words: capacity * 2),
                let job = mfa_prefault_start(slots, capacity * 2 * MemoryLayout<UInt64>.stride)
            {
                prefault = job
                staging = UserIDHashSet(minimumCapacity: 1 << 15, stage: false)
            }
        #endif
    }

    deinit {
        if let prefault { mfa_prefault_finish(prefault) }  // it may still be writing to `slots`
        Self.deallocate(slots, words: capacity * 2)
    }

    /// Zeroed table memory. A large table is mapped straight from the kernel (zero already)
    /// in 2 MiB pages where the system allows (`MADV_HUGEPAGE`): lookups land anywhere in it,
    /// and with 4 KiB pages each one would also miss the TLB, and each page would fault
    /// twice (a lookup maps the shared zero page, the insert after it copies it, and the
    /// kernel flushes the TLBs of the other threads' CPUs). A small table is zeroed up front.
    private static func allocateZeroed(words: Int) -> UnsafeMutablePointer<UInt64> {
        let bytes = words * MemoryLayout<UInt64>.stride
        if isMapped(words: words) {
            guard let memory = POSIX.mapMemory(bytes) else {
                fatalError("out of memory allocating \(bytes) bytes for duplicate detection")
            }
            return memory.bindMemory(to: UInt64.self, capacity: words)
        }
        guard let memory = POSIX.allocate(bytes) else {
            fatalError("out of memory allocating \(bytes) bytes for duplicate detection")
        }
        let table = memory.bindMemory(to: UInt64.self, capacity: words)
        table.initialize(repeating: 0, count: words)
        return table
    }

    /// Frees what `allocateZeroed(words:)` returned.
    private static func deallocate(_ table: UnsafeMutablePointer<UInt64>, words: Int) {
        if isMapped(words: words) {
            POSIX.unmapMemory(table, words * MemoryLayout<UInt64>.stride)
            return
        }
        POSIX.deallocate(table)
    }

    /// Whether a table of `words` is mapped from the kernel rather than taken from `malloc`.
    private static func isMapped(words: Int) -> Bool {
        words * MemoryLayout<UInt64>.stride >= 4 << 20
    }

    @inline(__always)
    private static func home(_ key: UserIDFingerprint, capacity: Int) -> Int {
        Int(truncatingIfNeeded: key.high.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Starts loading the slot where `key` would be looked up.
    @inline(__always)
    func prefetch(_ key: UserIDFingerprint) {
        guard staging == nil else { return }  // the table may still be being faulted in
        mfa_prefetch(slots + Self.home(key, capacity: capacity) * 2)
    }

    func contains(_ key: UserIDFingerprint) -> Bool {
        if let staging { return staging.contains(key) }
        var index = Self.home(key, capacity: capacity)
        while true {
            let high = slots[index * 2]
            let low = slots[index * 2 + 1]
            if high == 0 && low == 0 { return false }
            if high == key.high && low == key.low { return true }
            index += 1
            if index == capacity { index = 0 }
        }
    }

    /// Inserts `key`; returns false when it was already present.
    @discardableResult
    func insert(_ key: UserIDFingerprint) -> Bool {
        if _slowPath(staging != nil) { return insertWhileStaging(key) }
        if (stored + 1) * 5 > capacity * 4 { grow() }
        let inserted = Self.place(key, in: slots, capacity: capacity)
        if inserted { stored += 1 }
        return inserted
    }

    @inline(never)
    private func insertWhileStaging(_ key: UserIDFingerprint) -> Bool {
        let staging = staging!
        guard let prefault, mfa_prefault_done(prefault) == 0, staging.count < capacity / 8 else {
            unstage()
            return insert(key)
        }
        return staging.insert(key)
    }

    /// Waits for the faulting to end, then moves the staged ids into the table. The staged
    /// ids are distinct and fewer than an eighth of the capacity: no check, no growth.
    private func unstage() {
        if let prefault { mfa_prefault_finish(prefault) }
        prefault = nil
        guard let staged = staging else { return }
        staging = nil
        staged.forEachID { key in _ = Self.place(key, in: slots, capacity: capacity) }
        stored += staged.count
    }

    private func forEachID(_ body: (UserIDFingerprint) -> Void) {
        for index in 0..<capacity {
            let high = slots[index * 2]
            let low = slots[index * 2 + 1]
            if high != 0 || low != 0 { body(UserIDFingerprint(high: high, low: low)) }
        }
    }

    @inline(__always)
    private static func place(_ key: UserIDFingerprint, in table: UnsafeMutablePointer<UInt64>, capacity: Int) -> Bool {
        var index = home(key, capacity: capacity)
        while true {
            let high = table[index * 2]
            let low = table[index * 2 + 1]
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

    private func grow() {
        let newCapacity = capacity + capacity / 2
        let newSlots = Self.allocateZeroed(words: newCapacity * 2)
        forEachID { key in _ = Self.place(key, in: newSlots, capacity: newCapacity) }
        Self.deallocate(slots, words: capacity * 2)
        slots = newSlots
        capacity = newCapacity
    }
}
