import CPlatform
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension PlanFile {
    /// Writes a plan file while the plan is being made: each operation goes to disk as it is
    /// decided, and the header, which needs the final counts and fingerprint, goes last into
    /// room kept for it at the start of the file.
    ///
    /// The room is the encoded size of a header shaped like the real one with every count and
    /// measure at its longest (see `Planner.headerShape`); what the real header leaves of it
    /// is spaces, which JSON allows between fields. The result reads exactly as a file from
    /// `PlanFile.write`. Nothing appears at `path` until `finish`, which writes the header
    /// and the rejected rows, flushes to disk and renames into place; `abandon` removes the
    /// temporary file. Should the header not fit after all, `finish` moves what follows it
    /// further into the file to make room. The operations need not be kept in memory: the
    /// file can be finished from a ``PlanOutline``.
    ///
    /// `append` is called by one thread at a time (the planner's deciding thread), `finish`
    /// after planning has ended.
    public final class Writer: @unchecked Sendable {
        public let path: String
        private let temporary: String
        private var fd: Int32
        /// Bytes kept at the start for the header.
        private var reserved: Int
        @exclusivity(unchecked) private var buffer: [UInt8] = []
        @exclusivity(unchecked) private var count = 0
        @exclusivity(unchecked) private var offset: Int
        /// Where early writeback has reached (see `flush`).
        private var writtenBack = 0
        /// The file now at `path`, if a regular one, until its cached pages are dropped (see
        /// `flush`); -1 otherwise.
        private var previous: Int32
        private var failure: String?

        /// Creates the temporary file beside `path`, keeping room for a header as long as
        /// `shape`'s.
        public init(path: String, reservingHeaderFor shape: Plan) throws(PlanFileError) {
            self.path = path
            temporary = AtomicFile.temporaryPath(for: path)
            let header: [UInt8]
            do { header = try PlanFile.header(shape.outline) } catch { throw .cannotWrite(path: path, reason: "\(error)") }
            reserved = header.count + 64
            fd = open(temporary, O_RDWR | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
            offset = reserved
            previous = Self.openRegularFile(path)
            buffer.reserveCapacity(PlanFile.chunkSize + 4096)
            buffer.append(contentsOf: PlanFile.operationsOpening)
        }

        deinit { abandon() }

        /// Adds the next operation.
        public func append(_ operation: PlanOperation) {
            operation.withFields { append($0) }
        }

        /// Adds the next operation, from its bytes.
        func append(_ operation: OperationFields) {
            PlanFile.appendOperation(operation, first: count == 0, to: &buffer)
            count += 1
            if buffer.count >= PlanFile.chunkSize { flush() }
        }

        /// Completes the file for `plan` (whose operations are those appended, in order) and
        /// renames it into place.
        public func finish(_ plan: Plan) throws(PlanFileError) {
            guard fd < 0 || count == plan.operations.count else {
                // Not the operations appended: write the plan the ordinary way.
                abandon()
                return try PlanFile.write(plan, to: path)
            }
            try finish(plan.outline)
        }

        /// Completes the file for the plan `outline` describes, whose operations are those
        /// appended, in order, and renames it into place.
        /// - Throws: `cannotWrite` when writing fails, or when `outline` counts another
        ///   number of operations than were appended (nothing is then written at `path`).
        public func finish(_ outline: PlanOutline) throws(PlanFileError) {
            guard fd >= 0 else { throw .cannotWrite(path: path, reason: "the plan file was abandoned") }
            do {
                guard count == outline.operationCount else {
                    throw PlanFileError.cannotWrite(
                        path: path, reason: "the plan has \(outline.operationCount) operations, but \(count) were written")
                }
                buffer.append(contentsOf: try PlanFile.tail(outline))
                flush()
                var header = try PlanFile.header(outline)
                header.append(contentsOf: Array(",\n".utf8))
                if header.count >= reserved { try shiftOperations(by: header.count + 1 - reserved) }
                header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: reserved - header.count - 1))
                header.append(UInt8(ascii: "\n"))
                write(header, at: 0)
                if let failure { throw PlanFileError.cannotWrite(path: path, reason: failure) }
                let descriptor = fd
                fd = -1  // `commit` closes it
                try AtomicFile.commit(descriptor, temporary: temporary, to: path)
            } catch let error as PlanFileError {
                abandon()
                throw error
            } catch {
                abandon()
                throw .cannotWrite(path: path, reason: error.reason)
            }
        }

        /// Removes the temporary file; nothing is written at `path`.
        public func abandon() {
            closePrevious()
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            unlink(temporary)
        }

        /// Makes the room kept for the header `distance` bytes longer, for a header that did
        /// not fit after all: moves everything after it that much further, last bytes first.
        private func shiftOperations(by distance: Int) throws {
            if let failure { throw PlanFileError.cannotWrite(path: path, reason: failure) }
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            var end = offset
            while end > reserved {
                let start = Swift.max(reserved, end - chunk.count)
                let length = end - start
                var done = 0
                while done < length {
                    let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, length - done, off_t(start + done)) }
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw POSIXError(POSIXErrorCode(rawValue: n < 0 ? errno : EIO) ?? .EIO) }
                    done += n
                }
                try AtomicFile.writeAll(Array(chunk[0..<length]), to: fd, at: start + distance)
                end = start
            }
            offset += distance
            reserved += distance
        }

        private func flush() {
            // The rename in `finish` makes the kernel drop the replaced plan's cached pages
            // there and then, at the very end (5 ms for a 77 MB plan). Dropped now, while
            // planning, they cost the rename nothing. The file on disk is untouched.
            if previous >= 0 {
                mfa_drop_cached_pages(previous)
                closePrevious()
            }
            write(buffer, at: offset)
            offset += buffer.count
            buffer.removeAll(keepingCapacity: true)
            // Start each 8 MiB on its way to disk now, so that `finish`'s fsync waits for
            // the last few only (a 77 MB plan's fsync took 22 ms; 3 ms with this).
            if offset - writtenBack >= 8 << 20 {
                _ = mfa_start_writeback(fd, Int64(writtenBack), Int64(offset - writtenBack))
                writtenBack = offset
            }
        }

        private func closePrevious() {
            guard previous >= 0 else { return }
            close(previous)
            previous = -1
        }

        /// A descriptor for reading the regular file at `path` (not following a symbolic
        /// link, which the rename would replace, not its target), or -1.
        private static func openRegularFile(_ path: String) -> Int32 {
            let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else { return -1 }
            var info = stat()
            if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG { return descriptor }
            close(descriptor)
            return -1
        }

        /// Writes all of `bytes` at `position`; the first failure is kept for `finish`.
        private func write(_ bytes: [UInt8], at position: Int) {
            guard failure == nil else { return }
            do {
                try AtomicFile.writeAll(bytes, to: fd, at: position)
            } catch {
                failure = error.reason
            }
        }
    }
}
