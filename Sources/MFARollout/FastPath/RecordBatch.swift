/// Rows copied out of the reader's buffers so that another thread can decide them: each
/// row's bytes as one block (`ExportRecord.storage`), the blocks back to back, with each
/// row's spans (relative to its block) and line.
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
    private var bytes = GrowableBytes(capacity: 256 * 1024)
    private let starts: UnsafeMutablePointer<Int>
    private let lengths: UnsafeMutablePointer<Int>
    private let lines: UnsafeMutablePointer<Int>
    private let quotings: UnsafeMutablePointer<ValueQuoting>
    /// Where each row's block starts in `bytes`; one more entry than rows, for the end.
    private let rowOffsets: UnsafeMutablePointer<Int>

    init(slots: Int) {
        self.slots = slots
        starts = .allocate(capacity: Self.rowCapacity * max(slots, 1))
        lengths = .allocate(capacity: Self.rowCapacity * max(slots, 1))
        lines = .allocate(capacity: Self.rowCapacity)
        quotings = .allocate(capacity: Self.rowCapacity)
        rowOffsets = .allocate(capacity: Self.rowCapacity + 1)
        rowOffsets[0] = 0
    }

    deinit {
        starts.deallocate()
        lengths.deallocate()
        lines.deallocate()
        quotings.deallocate()
        rowOffsets.deallocate()
    }

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
        bytes.append(record.storage)
        let base = count * slots
        for slot in 0..<slots {
            let span = record.span(slot)
            starts[base + slot] = span.start
            lengths[base + slot] = span.length
        }
        lines[count] = record.line
        (quotings + count).initialize(to: record.quoting)
        count += 1
        rowOffsets[count] = bytes.count
    }

    /// Row `row` as a record; valid until the batch is reset.
    @inline(__always)
    func record(_ row: Int) -> ExportRecord {
        let start = rowOffsets[row]
        return ExportRecord(
            source: source!, line: lines[row], count: slots, base: bytes.base + start,
            extent: rowOffsets[row + 1] - start,
            starts: starts + row * slots, lengths: lengths + row * slots, quoting: quotings[row])
    }

    /// Empties the batch for reuse, keeping its memory.
    func reset() {
        count = 0
        bytes.count = 0
    }
}
