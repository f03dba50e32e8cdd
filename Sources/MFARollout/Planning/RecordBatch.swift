/// Rows copied out of the reader's buffers so that another thread can decide them: the
/// requested columns' bytes back to back, with each row's spans and line.
///
/// A batch belongs to one input file and holds up to `rowCapacity` rows. It is filled by one
/// thread and read by another, never both at once (`DecisionPipeline` hands it over).
final class RecordBatch: @unchecked Sendable {
    static let rowCapacity = 4096

    let slots: Int
    private(set) var count = 0
    /// The input the rows come from, kept alive for the records made from them.
    private var source: SourceName?
    private var sourceIdentity: UnsafeMutableRawPointer?
    private var bytes: UnsafeMutablePointer<UInt8>
    private var bytesCount = 0
    private var bytesCapacity: Int
    private let starts: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    private let lines: UnsafeMutablePointer<Int>

    init(slots: Int) {
        self.slots = slots
        bytesCapacity = 256 * 1024
        bytes = .allocate(capacity: bytesCapacity)
        starts = .allocate(capacity: Self.rowCapacity * max(slots, 1))
        lengths = .allocate(capacity: Self.rowCapacity * max(slots, 1))
        lines = .allocate(capacity: Self.rowCapacity)
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
        lengths.deallocate()
        lines.deallocate()
    }

    var isFull: Bool { count == Self.rowCapacity }

    /// Whether `record` may join this batch: there is room and it comes from the same file.
    @inline(__always)
    func accepts(_ record: ExportRecord) -> Bool {
        count == 0 || (count < Self.rowCapacity && record.source.toOpaque() == sourceIdentity)
    }

    /// Copies `record` in; `accepts(record)` must be true.
    func append(_ record: ExportRecord) {
        if count == 0 {
            source = record.source.takeUnretainedValue()
            sourceIdentity = record.source.toOpaque()
        }
        let base = count * slots
        for slot in 0..<slots {
            guard let value = record.bytes(slot) else {
                lengths[base + slot] = -1
                continue
            }
            if bytesCount + value.count > bytesCapacity { grow(toFit: value.count) }
            if let source = value.baseAddress, value.count > 0 {
                (bytes + bytesCount).update(from: source, count: value.count)
            }
            starts[base + slot] = bytesCount
            lengths[base + slot] = value.count
            bytesCount += value.count
        }
        lines[count] = record.line
        count += 1
    }

    /// Row `row` as a record; valid until the batch is reset.
    @inline(__always)
    func record(_ row: Int) -> ExportRecord {
        ExportRecord(
            source: source!, line: lines[row], count: slots, base: bytes,
            starts: starts + row * slots, lengths: lengths + row * slots)
    }

    /// Empties the batch for reuse, keeping its memory.
    func reset() {
        count = 0
        bytesCount = 0
    }

    private func grow(toFit extra: Int) {
        var capacity = bytesCapacity * 2
        while bytesCount + extra > capacity { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: bytes, count: bytesCount)
        bytes.deallocate()
        bytes = grown
        bytesCapacity = capacity
    }
}
