import Foundation

/// Runs the deciding half of planning on a thread of its own while the calling thread reads.
///
/// Reading (libcsv, duplicate detection) and deciding (conditions, rollout hashes, operation
/// ids) each take about half of a plan's CPU time; on two cores they overlap. Rows are copied
/// into `RecordBatch`es of a few thousand (one hand-over per batch, not per row); a small
/// fixed set of batches circulates, so memory stays bounded whatever the input's size, and
/// the reader waits when the decider falls behind.
///
/// Rows are decided in input order. The first error the decider throws stops it; the reader
/// sees that error at its next hand-over (`submit` throws it) and `finish` or `cancel`
/// returns it, so the caller reports the earliest problem in the input.
final class DecisionPipeline: @unchecked Sendable {
    // `condition` guards `ready`, `free`, `closed`, `finished` and `failure`.
    private let condition = NSCondition()
    private var ready: [RecordBatch] = []
    private var free: [RecordBatch]
    private var closed = false
    private var finished = false
    private var failure: (any Error)?
    /// Owned by the reading thread. `@exclusivity(unchecked)`: only that thread touches it.
    @exclusivity(unchecked) private var current: RecordBatch
    private let decide: @Sendable (RecordBatch) throws -> Void

    /// Starts the deciding thread; `decide` is called on it with each full batch, in order.
    ///
    /// Three threads share two cores while planning (reading, deciding, hashing the export);
    /// with too few batches between reader and decider, whichever is ahead soon waits, and a
    /// core idles. Eight measured better than four: see `scripts/bench-plan.sh`.
    init(slots: Int, batchCount: Int = 8, decide: @escaping @Sendable (RecordBatch) throws -> Void) {
        self.decide = decide
        current = RecordBatch(slots: slots)
        free = (1..<max(batchCount, 2)).map { _ in RecordBatch(slots: slots) }
        let thread = Thread { [self] in run() }
        thread.name = "mfa-rollout decide"
        thread.start()
    }

    /// Copies `record` for deciding; throws the decider's error once it has failed.
    @inline(__always)
    func submit(_ record: ExportRecord) throws {
        if !current.accepts(record) { try handOver() }
        // The batch is kept alive by `current` until the next hand-over, which cannot
        // happen during `append`: no reference count per row.
        Unmanaged.passUnretained(current)._withUnsafeGuaranteedRef { $0.append(record) }
    }

    /// Hands over the last rows and waits until every row is decided.
    /// - Throws: the decider's error, if it failed.
    func finish() throws {
        if current.count > 0 { try handOver() }
        if let error = stop() { throw error }
    }

    /// After a reading error: hands over the rows read so far, waits until the decider has
    /// been through them, and returns the decider's error, which concerns an earlier row, if
    /// it failed.
    func cancel() -> (any Error)? {
        // The rows of the batch being filled precede the reader's error too.
        if current.count > 0 { try? handOver() }
        return stop()
    }

    private func handOver() throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        ready.append(current)
        condition.broadcast()
        while free.isEmpty && failure == nil { condition.wait() }
        if let failure { throw failure }
        current = free.removeLast()
        current.reset()
    }

    private func stop() -> (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        return failure
    }

    private func run() {
        condition.lock()
        while true {
            while ready.isEmpty && !closed { condition.wait() }
            if ready.isEmpty || failure != nil { break }
            let batch = ready.removeFirst()
            condition.unlock()
            var error: (any Error)?
            do { try decide(batch) } catch let thrown { error = thrown }
            condition.lock()
            free.append(batch)
            if let error {
                failure = error
                condition.broadcast()
                break
            }
            condition.broadcast()
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
