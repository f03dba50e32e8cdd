import Testing

@testable import MFARollout

@Suite("GrowableBytes: raw bytes that grow")
struct GrowableBytesTests {
    @Test("appends keep every byte in order across growth, from a capacity of one")
    func appendsAcrossGrowth() {
        var bytes = GrowableBytes(capacity: 1)
        var expected: [UInt8] = []
        for length in [0, 1, 3, 7, 64, 1000, 5] {
            let part = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ length) }
            part.withUnsafeBufferPointer { bytes.append($0) }
            expected += part
        }
        #expect(bytes.count == expected.count)
        #expect(bytes.capacity >= bytes.count)
        #expect(Array(UnsafeBufferPointer(start: bytes.base, count: bytes.count)) == expected)
    }

    @Test("reserve makes room after what is in use and keeps it; count resets to reuse the memory")
    func reserveAndReuse() {
        var bytes = GrowableBytes(capacity: 4)
        [UInt8]([1, 2, 3]).withUnsafeBufferPointer { bytes.append($0) }
        bytes.reserve(100)
        #expect(bytes.capacity >= 103)
        #expect(Array(UnsafeBufferPointer(start: bytes.base, count: bytes.count)) == [1, 2, 3])
        let capacity = bytes.capacity
        bytes.count = 0
        [UInt8]([9]).withUnsafeBufferPointer { bytes.append($0) }
        #expect(bytes.capacity == capacity)
        #expect(bytes.base[0] == 9 && bytes.count == 1)
    }
}
