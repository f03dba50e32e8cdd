import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that readers see the old content or the whole new content, never half:
/// write a temporary file beside it, flush it to disk, rename it over the target.
package enum AtomicFile {
    /// Writes `bytes` to `path` atomically, with `permissions` for a new file.
    package static func write(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o644) throws {
        try write(to: path, permissions: permissions) { sink in try sink(bytes) }
    }

    /// Writes what `body` hands its sink, in pieces, to `path` atomically.
    package static func write(
        to path: String, permissions: mode_t = 0o644, _ body: (_ sink: ([UInt8]) throws -> Void) throws -> Void
    ) throws {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, permissions)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        do {
            try body { bytes in try writeAll(bytes, to: fd) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        try commit(fd, temporary: temporary, to: path)
    }

    /// Flushes `fd` (open on `temporary`) to disk, closes it and renames `temporary` over
    /// `path`. On failure the temporary file is removed. `fd` is closed either way.
    static func commit(_ fd: Int32, temporary: String, to path: String) throws {
        guard fsync(fd) == 0 else {
            let saved = errno
            close(fd)
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: saved) ?? .EIO)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let saved = errno
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: saved) ?? .EIO)
        }
    }

    /// The temporary file beside `path` that is renamed over it: `.NAME.PID.tmp`.
    static func temporaryPath(for path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
    }

    /// Writes all of `bytes` to `fd`, at its current position (the end, for a file opened with
    /// `O_APPEND`) or, given `offset`, there; retries interrupted and partial writes.
    package static func writeAll(_ bytes: [UInt8], to fd: Int32, at offset: Int? = nil) throws(POSIXError) {
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let n = if let offset {
                    pwrite(fd, buffer.baseAddress! + written, buffer.count - written, off_t(offset + written))
                } else {
                    Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return nil
        }
        if let failure { throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO) }
    }
}
