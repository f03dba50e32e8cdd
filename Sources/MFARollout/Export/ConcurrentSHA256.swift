import Crypto
import Foundation

/// SHA-256 of a stream of chunks, computed on a thread of its own while the caller parses.
///
/// The caller reads into buffers from a small ring (`nextBuffer`), hands each one over with
/// `submit`, and goes on using it; the hashing thread only reads it too. The caller waits
/// only when it wants a buffer the hasher has not finished with. Hashing a 182 MB export
/// costs about 0.1 s of CPU, which this takes off the reading thread.
///
/// The hasher is woken once for every `wakeBatch` chunks, not for each: a wake-up costs
/// microseconds of system time, which at 64 KiB a chunk would add up.
final class ConcurrentSHA256: @unchecked Sendable {
    // `condition` guards every `var`.
    private let condition = NSCondition()
    private let buffers: [UnsafeMutableRawBufferPointer]
    private let wakeBatch: Int
    private var counts: [Int]
    private var submitted = 0
    private var hashed = 0
    private var hasherWaiting = false
    private var readerWaiting = false
    private var closed = false
    private var finished = false
    private var digest: SHA256.Digest?

    init(chunkSize: Int, bufferCount: Int = 16) {
        wakeBatch = max(bufferCount / 2, 1)
        buffers = (0..<bufferCount).map { _ in .allocate(byteCount: chunkSize, alignment: 16) }
        counts = Array(repeating: 0, count: bufferCount)
        let thread = Thread { [self] in run() }
        thread.name = "mfa-rollout sha256"
        thread.start()
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// The buffer to read the next chunk into; waits while the hasher still reads it.
    func nextBuffer() -> UnsafeMutableRawBufferPointer {
        condition.lock()
        defer { condition.unlock() }
        while submitted - hashed >= buffers.count {
            if hasherWaiting { condition.broadcast() }
            readerWaiting = true
            condition.wait()
            readerWaiting = false
        }
        return buffers[submitted % buffers.count]
    }

    /// Hands over the buffer `nextBuffer` returned, holding `count` bytes.
    func submit(count: Int) {
        condition.lock()
        counts[submitted % buffers.count] = count
        submitted += 1
        if hasherWaiting && submitted - hashed >= wakeBatch { condition.broadcast() }
        condition.unlock()
    }

    /// Waits for every submitted chunk and returns the digest as lowercase hex.
    func finish() -> String {
        close()
        return digest!.hexString
    }

    /// Stops the hasher after the chunks already submitted and waits for it. Called on every
    /// exit path, so the thread never outlives the buffers.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var sha = SHA256()
        condition.lock()
        while true {
            while hashed == submitted && !closed {
                hasherWaiting = true
                condition.wait()
                hasherWaiting = false
            }
            if hashed == submitted { break }
            let slot = hashed % buffers.count
            let count = counts[slot]
            condition.unlock()
            sha.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffers[slot][0..<count]))
            condition.lock()
            hashed += 1
            if readerWaiting { condition.broadcast() }
        }
        digest = sha.finalize()
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
