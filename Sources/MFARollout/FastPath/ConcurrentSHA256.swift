import Crypto
import Foundation

/// SHA-256 of a stream of chunks, computed on a thread of its own while the caller parses;
/// for a regular file, that thread also does the reading.
///
/// Chunks live in a small ring of buffers that both threads only read once filled. Hashing the
/// export, and reading it (the kernel's copy), is work this takes off the parsing thread.
///
/// - Reading ahead (`readingAhead:`, a regular file): the hashing thread reads each chunk,
///   hands it over, then hashes it, staying up to a ring ahead; the caller takes chunks with
///   `nextChunk`. Not for pipes: a thread blocked in `read` could not be stopped when parsing
///   fails early.
/// - Otherwise the caller reads into `nextBuffer`, hands the chunk over with `submit`, and
///   goes on using it; it waits only for a buffer the hasher has not finished with.
///
/// Each side wakes the other once for every `wakeBatch` chunks, not for each: a wake-up costs
/// microseconds of system time, which at 64 KiB a chunk would add up.
final class ConcurrentSHA256: @unchecked Sendable {
    // `condition` guards every `var`.
    private let condition = NSCondition()
    private let buffers: [UnsafeMutableRawBufferPointer]
    private let wakeBatch: Int
    private var counts: [Int]
    /// Chunks filled (by either side), hashed, and (reading ahead) given to the caller and
    /// given back by it.
    private var submitted = 0
    private var hashed = 0
    private var taken = 0
    private var released = 0
    private var hasherWaiting = false
    private var readerWaiting = false
    private var closed = false
    private var finished = false
    /// Reading ahead: the input has ended, or reading failed with this error.
    private var endOfInput = false
    private var readError: (any Error)?
    private var digest: SHA256.Digest?
    private let input: (fd: Int32, name: String)?

    /// `bufferCount` chunks of read-ahead let the hashing thread run while the parser waits on
    /// the deciding thread, instead of waiting too (see `DecisionPipeline`).
    /// - Parameter input: a regular file's descriptor (and display name for errors) to read
    ///   ahead from; nil when the caller reads.
    init(chunkSize: Int, bufferCount: Int = 32, readingAhead input: (fd: Int32, name: String)? = nil) {
        wakeBatch = max(bufferCount / 2, 1)
        buffers = (0..<bufferCount).map { _ in .allocate(byteCount: chunkSize, alignment: 16) }
        counts = Array(repeating: 0, count: bufferCount)
        self.input = input
        let thread = Thread { [self] in
            if input != nil { readAndHash() } else { hash() }
        }
        thread.name = "mfa-rollout sha256"
        thread.start()
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    // MARK: The caller reads

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

    // MARK: Reading ahead

    /// The next chunk of the file, empty at its end; valid until the next call. Gives the
    /// previous chunk back.
    /// - Throws: `ExportError.readFailed` where reading failed.
    func nextChunk() throws -> UnsafeRawBufferPointer {
        condition.lock()
        defer { condition.unlock() }
        if released < taken {
            released += 1
            if hasherWaiting && buffers.count - (submitted - released) >= wakeBatch { condition.broadcast() }
        }
        while taken == submitted {
            if let readError { throw readError }
            if endOfInput { return UnsafeRawBufferPointer(start: nil, count: 0) }
            if hasherWaiting { condition.broadcast() }
            readerWaiting = true
            condition.wait()
            readerWaiting = false
        }
        let slot = taken % buffers.count
        taken += 1
        return UnsafeRawBufferPointer(rebasing: buffers[slot][0..<counts[slot]])
    }

    // MARK: Both

    /// Waits for every chunk and returns the digest as lowercase hex.
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

    private func hash() {
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

    private func readAndHash() {
        let (fd, name) = input!
        var sha = SHA256()
        condition.lock()
        while !closed && !endOfInput && readError == nil {
            // A slot is free once the caller has given it back (this thread hashed it before
            // reading the next chunk).
            while submitted - released >= buffers.count && !closed {
                hasherWaiting = true
                condition.wait()
                hasherWaiting = false
            }
            if closed { break }
            let slot = submitted % buffers.count
            condition.unlock()
            let result = Result { try ExportInput.fill(buffers[slot], from: fd, name: name) }
            condition.lock()
            switch result {
            case .success(0):
                endOfInput = true
            case .success(let count):
                counts[slot] = count
                submitted += 1
            case .failure(let error):
                readError = error
            }
            if readerWaiting { condition.broadcast() }
            guard case .success(let count) = result, count > 0 else { break }
            condition.unlock()
            sha.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffers[slot][0..<count]))
            condition.lock()
            hashed += 1
        }
        // Without its end the digest is of a prefix: only `finish` after the last chunk reads it.
        digest = sha.finalize()
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
