import CompressNIO
import Crypto
import NIOCore

/// Streams the bytes of one `ExportSource` in fixed-size chunks, gunzipping when the data
/// starts with the gzip magic bytes `1f 8b` (whatever the file is called), and hashing the
/// bytes as stored with SHA-256 on the way.
///
/// Memory is a fixed number of buffers of `chunkSize` bytes (a ring of them when the file is
/// read ahead, see ``ConcurrentSHA256``), whatever the size of the input.
struct ExportInput {
    let source: ExportSource
    let chunkSize: Int

    /// Calls `body` with each chunk of (decompressed) data; returns the SHA-256 of the raw
    /// bytes when `hashing` is set.
    @discardableResult
    func stream(hashing: Bool, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> String? {
        let name = source.displayName
        let fd: Int32
        switch source {
        case .standardInput:
            fd = 0
        case .file(let path):
            do {
                fd = try POSIX.openFile(path, POSIX.readOnly)
            } catch {
                throw ExportError(file: name, line: nil, reason: .cannotOpen(error.message))
            }
        }
        defer { if case .file = source { POSIX.closeFile(fd) } }

        // Hashing runs on a thread of its own (see `ConcurrentSHA256`), which also reads a
        // regular file ahead; without hashing, one buffer.
        let regular = (try? POSIX.status(fd))?.isRegular ?? false
        let hasher =
            hashing
            ? ConcurrentSHA256(chunkSize: chunkSize, readingAhead: regular ? (fd, name) : nil) : nil
        defer { hasher?.close() }
        let single = hasher == nil ? UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16) : nil
        defer { single?.deallocate() }
        func readChunk() throws -> UnsafeRawBufferPointer {
            if regular, let hasher { return try hasher.nextChunk() }
            let buffer = hasher?.nextBuffer() ?? single!
            let count = try Self.fill(buffer, from: fd, name: name)
            if count > 0 { hasher?.submit(count: count) }
            return UnsafeRawBufferPointer(rebasing: buffer[0..<count])
        }

        var chunk = try readChunk()
        if chunk.isEmpty {
            return hasher?.finish()
        }
        let isGzip = chunk.count >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B
        if !isGzip {
            while !chunk.isEmpty {
                try body(chunk)
                chunk = try readChunk()
            }
            return hasher?.finish()
        }

        let decompressor: ZlibDecompressor
        do {
            decompressor = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            throw ExportError(file: name, line: nil, reason: .corruptGzip("cannot start decompression: \(error)"))
        }
        let allocator = ByteBufferAllocator()
        var input = allocator.buffer(capacity: chunkSize)
        var output = allocator.buffer(capacity: chunkSize)
        var streamEnded = false
        func corrupt(_ detail: String) -> ExportError {
            ExportError(file: name, line: nil, reason: .corruptGzip(detail))
        }
        func emit() throws {
            if output.readableBytes > 0 {
                try output.withUnsafeReadableBytes { try body($0) }
                output.clear()
            }
        }
        while !chunk.isEmpty {
            input.clear()
            input.writeBytes(chunk)
            while input.readableBytes > 0 {
                var afterReset = false
                if streamEnded {
                    // Another gzip member follows (as `cat a.gz b.gz` makes).
                    do { try decompressor.reset() } catch { throw corrupt("cannot restart decompression") }
                    streamEnded = false
                    afterReset = true
                }
                let before = input.readableBytes
                let producedBefore = output.readableBytes
                do {
                    try input.decompressStream(to: &output, with: decompressor)
                    // A normal return with input left over means the member ended.
                    if input.readableBytes > 0 { streamEnded = true }
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    // Output window full: handed on below.
                } catch let error as CompressNIOError where error == .corruptData {
                    throw corrupt("corrupt compressed data")
                } catch {
                    throw corrupt("\(error)")
                }
                if afterReset && input.readableBytes == before && output.readableBytes == producedBefore {
                    throw corrupt("trailing data after the end of the compressed stream")
                }
                try emit()
            }
            chunk = try readChunk()
        }
        // Drain what zlib still holds, then learn whether the stream reached its end: with no
        // input left, an unfinished stream reports that it needs more (a truncated file). A
        // normal return without new output is Z_STREAM_END (zlib reports no progress otherwise).
        var empty = allocator.buffer(capacity: 16)
        while true {
            let before = output.readableBytes
            do {
                try decompressor.inflate(from: &empty, to: &output)
                if output.readableBytes == before { break }
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // Output window full: hand it on and continue draining.
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw corrupt("truncated: the compressed stream ends early")
            } catch let error as CompressNIOError where error == .corruptData {
                throw corrupt("corrupt compressed data")
            } catch {
                throw corrupt("\(error)")
            }
            try emit()
        }
        try emit()
        return hasher?.finish()
    }

    /// About how many lines the input holds, from its size and the line density of its first
    /// 64 KiB; nil for standard input, gzip, or a file that cannot be read. Used to size
    /// duplicate detection up front instead of growing it a dozen times.
    func estimatedLineCount() -> Int? {
        guard case .file(let path) = source else { return nil }
        guard let fd = try? POSIX.openFile(path, POSIX.readOnly) else { return nil }
        defer { POSIX.closeFile(fd) }
        guard let size = (try? POSIX.status(fd))?.size, size > 0 else { return nil }
        let sample = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { sample.deallocate() }
        guard let count = try? POSIX.readBytes(fd, into: sample, at: 0), count > 2,
            !(sample[0] == 0x1F && sample[1] == 0x8B)
        else { return nil }
        let lines = sample[0..<count].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return Int(Double(size) * Double(max(lines, 1)) / Double(count))
    }

    /// Reads until `buffer` is full or the input ends (pipes deliver short reads).
    static func fill(_ buffer: UnsafeMutableRawBufferPointer, from fd: Int32, name: String) throws(ExportError) -> Int {
        do {
            return try POSIX.readFully(fd, into: buffer)
        } catch {
            throw ExportError(file: name, line: nil, reason: .readFailed(error.message))
        }
    }
}

/// SHA-256 of inputs, streamed in 64 KiB chunks (for the plan's input hashes).
package enum InputDigest {
    /// SHA-256 of the file's bytes as stored (not decompressed), as lowercase hex.
    /// - Throws: `ExportError` (`.cannotOpen`, `.readFailed`).
    package static func sha256Hex(ofFile path: String) throws -> String {
        let fd: Int32
        do {
            fd = try POSIX.openFile(path, POSIX.readOnly)
        } catch {
            throw ExportError(file: path, line: nil, reason: .cannotOpen(error.message))
        }
        defer { POSIX.closeFile(fd) }
        var sha = SHA256()
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { raw.deallocate() }
        while true {
            let n: Int
            do {
                n = try POSIX.readBytes(fd, into: raw)
            } catch {
                throw ExportError(file: path, line: nil, reason: .readFailed(error.message))
            }
            if n == 0 { break }
            sha.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[0..<n]))
        }
        return sha.finalize().hexString
    }
}
