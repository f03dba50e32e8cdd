/// Bytes in raw memory, written through a pointer, that grow by doubling: for buffers filled
/// once per row or per operation, where `[UInt8]`'s uniqueness and capacity checks on every
/// write cost more than the writing.
struct GrowableBytes: ~Copyable {
    /// The first byte; valid until the next `reserve` that grows the memory.
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// Bytes in use, from `base`.
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes after `count`, keeping those in use.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(toFit: extra) }
    }

    /// Appends `bytes`.
    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    private mutating func grow(toFit extra: Int) {
        var grown = capacity * 2
        while count + extra > grown { grown *= 2 }
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        memory.update(from: base, count: count)
        base.deallocate()
        base = memory
        capacity = grown
    }
}
