/// Bytes in raw memory, written through a pointer, that grow by doubling: for buffers filled
/// once per row or per operation, where `[UInt8]`'s uniqueness and capacity checks on every
/// write cost more than the writing. The memory is from `malloc`, grown with `realloc`: large
/// blocks are mapped, and growing them remaps pages instead of copying them.
struct GrowableBytes: ~Copyable {
    /// The first byte; valid until the next `reserve` that grows the memory.
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// Bytes in use, from `base`.
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        guard let memory = POSIX.allocate(self.capacity) else {
            fatalError("out of memory allocating \(self.capacity) bytes")
        }
        base = memory.bindMemory(to: UInt8.self, capacity: self.capacity)
    }

    deinit { POSIX.deallocate(base) }

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
        guard let memory = POSIX.reallocate(base, grown) else {
            fatalError("out of memory growing a buffer to \(grown) bytes")
        }
        base = memory.bindMemory(to: UInt8.self, capacity: grown)
        capacity = grown
    }
}
