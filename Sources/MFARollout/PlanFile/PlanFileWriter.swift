import CPlatform
import Foundation

extension PlanFile {
    /// Writes a plan file while the plan is being made, in one pass: the heading first, each
    /// operation as it is decided, and at `finish` what is known only at the end, then the
    /// fingerprint of every byte before it.
    ///
    /// Every byte goes through the fingerprint's hash on its way out, so the fingerprint costs
    /// no second pass. Without a path, nothing is written and only the fingerprint is made:
    /// a plan has the fingerprint of the file it would be, whether or not it is written. The
    /// result reads exactly as a file from `PlanFile.write`. Nothing appears at `path` until
    /// `finish`, which flushes to disk and renames into place; `abandon` removes the temporary
    /// file (which has no name at all while it is written, where the system allows: see
    /// ``AtomicFile``). The operations need not be kept in memory: the file is finished from a
    /// ``PlanOutline``.
    ///
    /// `append` is called by one thread at a time (the planner's deciding thread), `finish`
    /// after planning has ended.
    package final class Writer: @unchecked Sendable {
        /// Where the plan goes; nil when only its fingerprint is wanted.
        package let path: String?
        private let heading: PlanHeading
        /// The file being written (unnamed until `finish`, where the system allows), while it is.
        private var file: AtomicFile.Temporary?
        private var fd: Int32 { file?.descriptor ?? -1 }
        /// What is written but not yet hashed and sent to the file: raw memory, so that an
        /// operation's JSON is written straight into it.
        @exclusivity(unchecked) private var buffer = GrowableBytes(capacity: PlanFile.chunkSize + 64 * 1024)
        @exclusivity(unchecked) private var count = 0
        @exclusivity(unchecked) private var offset = 0
        @exclusivity(unchecked) private var hasher = Fingerprint.Hasher()
        /// Where early writeback has reached (see `flush`).
        private var writtenBack = 0
        /// The file now at `path`, if a regular one, until its cached pages are dropped (see
        /// `flush`); -1 otherwise.
        private var previous: Int32 = -1
        private var failure: String?
        private var ended = false

        /// Starts the plan file for a plan with `heading`: creates the file that replaces
        /// `path` (when given) and writes the heading.
        package init(path: String?, heading: PlanHeading) throws(PlanFileError) {
            self.path = path
            self.heading = heading
            if let path {
                do {
                    file = try AtomicFile.Temporary(for: path)
                } catch {
                    throw .cannotWrite(path: path, reason: error.message)
                }
                previous = Self.openRegularFile(path)
            }
            append(PlanFile.opening(heading))
        }

        deinit { abandon() }

        /// Adds the next operation.
        package func append(_ operation: PlanOperation) {
            operation.withFields { append($0) }
        }

        /// Adds the next operation, from its bytes.
        func append(_ operation: OperationFields) {
            buffer.reserve(PlanFile.operationCapacity(operation))
            var json = JSONOutput(buffer.base, at: buffer.count)
            PlanFile.writeOperation(operation, first: count == 0, to: &json)
            buffer.count = json.position
            count += 1
            if buffer.count >= PlanFile.chunkSize { flush() }
        }

        /// Appends `bytes` to what is buffered.
        private func append(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { buffer.append($0) }
        }

        /// Completes the file for the plan `outline` describes, whose operations are those
        /// appended, in order, renames it into place, and returns the outline with its
        /// fingerprint.
        /// - Throws: `cannotWrite` when writing fails, or when `outline` counts another
        ///   number of operations than were appended or has another heading (nothing is then
        ///   written at `path`).
        package func finish(_ outline: PlanOutline) throws(PlanFileError) -> PlanOutline {
            let name = path ?? "(plan)"
            guard !ended else {
                throw .cannotWrite(path: name, reason: "the plan file was already finished or abandoned")
            }
            do {
                guard count == outline.operationCount, outline.heading == heading else {
                    throw PlanFileError.cannotWrite(
                        path: name,
                        reason:
                            "the plan has \(outline.operationCount) operations and its heading, but \(count) were written under \(heading == outline.heading ? "the same" : "another") heading"
                    )
                }
                append(PlanFile.closing(outline))
                flush()
                var finished = outline
                finished.fingerprint = hasher.finalize()
                append(Fingerprint.trailer(finished.fingerprint))
                if let failure { throw PlanFileError.cannotWrite(path: name, reason: failure) }
                ended = true
                if let path, let file {
                    write()
                    if let failure { throw PlanFileError.cannotWrite(path: path, reason: failure) }
                    self.file = nil  // `commit` closes it
                    try file.commit()
                }
                buffer.count = 0
                return finished
            } catch let error as PlanFileError {
                abandon()
                throw error
            } catch {
                abandon()
                throw .cannotWrite(path: name, reason: error.reason)
            }
        }

        /// Removes the temporary file; nothing is written at `path`.
        package func abandon() {
            ended = true
            closePrevious()
            file?.abandon()
            file = nil
        }

        /// Hashes the buffer and, with a path, writes it at the end of the file.
        private func flush() {
            hasher.update(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
            if fd >= 0 {
                // The rename in `finish` makes the kernel drop the replaced plan's cached
                // pages there and then, at the very end. Dropped now, while planning, they
                // cost the rename nothing. The file on disk is untouched.
                if previous >= 0 {
                    mfa_drop_cached_pages(previous)
                    closePrevious()
                }
                write()
                // Start each 8 MiB on its way to disk now, so that `finish`'s fsync waits
                // for the last few only.
                if offset - writtenBack >= 8 << 20 {
                    _ = mfa_start_writeback(fd, Int64(writtenBack), Int64(offset - writtenBack))
                    writtenBack = offset
                }
            }
            buffer.count = 0
        }

        private func closePrevious() {
            guard previous >= 0 else { return }
            POSIX.closeFile(previous)
            previous = -1
        }

        /// A descriptor for reading the regular file at `path` (not following a symbolic
        /// link, which the rename would replace, not its target), or -1.
        private static func openRegularFile(_ path: String) -> Int32 {
            guard let descriptor = try? POSIX.openFile(path, POSIX.readNoFollow) else { return -1 }
            if (try? POSIX.status(descriptor))?.isRegular == true { return descriptor }
            POSIX.closeFile(descriptor)
            return -1
        }

        /// Writes what is buffered at the end of what is written; the first failure is kept
        /// for `finish`.
        private func write() {
            guard failure == nil, fd >= 0 else { return }
            do {
                try POSIX.writeAll(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count), to: fd, at: offset)
                offset += buffer.count
            } catch {
                failure = error.reason
            }
        }
    }
}
