import Foundation

/// Reads a span of an open plan file line by line through one fixed buffer, optionally
/// hashing every byte it reads: memory stays that of the buffer (and of the longest line)
/// whatever the file's size.
final class PlanLineReader {
    /// A line: its bytes without the line end (valid until the next call), and the file
    /// offset it starts at.
    struct Line {
        var bytes: UnsafeRawBufferPointer
        var offset: Int
    }

    /// Why a line could not be had.
    enum Failure: Error {
        case read(POSIXError)
        /// The file is not the one that was opened any more (size or modification time).
        case changed
        /// A line longer than ``longestLine``.
        case lineTooLong(offset: Int)
    }

    /// No plan line is anywhere near this long (the longest is one operation, or one row set
    /// aside, a few kilobytes).
    static let longestLine = 64 * 1024 * 1024
    static let chunkSize = 1024 * 1024

    private let descriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    /// The file offset of `buffer[0]`.
    private var bufferOffset: Int
    /// Unread bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    /// The next file offset to read, and where reading stops.
    private var readOffset: Int
    private let limit: Int
    /// What every byte read is fed to, when hashing.
    var hasher: Fingerprint.Hasher?
    /// The file's status when it was opened: before each read it must still be this.
    private let identity: POSIX.FileStatus?

    /// Lines of the file open at `descriptor` from `offset` (a line start) up to `limit`.
    init(descriptor: Int32, from offset: Int, to limit: Int, identity: POSIX.FileStatus?) {
        self.descriptor = descriptor
        bufferOffset = offset
        readOffset = offset
        self.limit = limit
        self.identity = identity
        buffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    /// The file offset of the next byte not yet handed out.
    var position: Int { bufferOffset + start }

    /// The next line (the last one may lack its line end); nil at `limit`.
    func next() throws(Failure) -> Line? {
        var searched = start
        while true {
            if let base = buffer.baseAddress, end > searched,
                let newline = POSIX.find(UInt8(ascii: "\n"), in: base + searched, count: end - searched)
            {
                let lineEnd = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
                let line = Line(
                    bytes: UnsafeRawBufferPointer(rebasing: buffer[start..<lineEnd]), offset: bufferOffset + start)
                start = lineEnd + 1
                return line
            }
            searched = end
            if readOffset >= limit {
                guard end > start else { return nil }
                let line = Line(
                    bytes: UnsafeRawBufferPointer(rebasing: buffer[start..<end]), offset: bufferOffset + start)
                start = end
                return line
            }
            let kept = try refill()
            searched -= kept
        }
    }

    /// Moves the unread bytes to the buffer's start (growing it for a long line) and reads
    /// more after them; returns by how much the unread bytes moved.
    private func refill() throws(Failure) -> Int {
        let moved = start
        if start > 0 {
            let unread = end - start
            if unread > 0, let base = buffer.baseAddress {
                (base).copyMemory(from: base + start, byteCount: unread)
            }
            bufferOffset += start
            end = unread
            start = 0
        }
        if end == buffer.count {
            guard buffer.count < Self.longestLine else { throw .lineTooLong(offset: bufferOffset) }
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[..<end]))
            buffer.deallocate()
            buffer = larger
        }
        if let identity {
            let now: POSIX.FileStatus
            do {
                now = try POSIX.status(descriptor)
            } catch {
                throw .read(error)
            }
            guard now.size == identity.size, now.modified == identity.modified else { throw .changed }
        }
        let room = min(buffer.count - end, limit - readOffset)
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[end..<(end + room)])
        let count: Int
        do {
            count = try POSIX.readBytes(descriptor, into: target, at: readOffset)
        } catch {
            throw .read(error)
        }
        // The file is shorter than when it was measured.
        guard count > 0 else { throw .changed }
        hasher?.update(UnsafeRawBufferPointer(rebasing: target[..<count]))
        end += count
        readOffset += count
        return moved
    }
}
