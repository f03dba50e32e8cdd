import Foundation

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
        let fd = try POSIX.openFile(temporary, POSIX.createForWriting, mode: permissions)
        do {
            try body { bytes in try POSIX.writeAll(bytes, to: fd) }
        } catch {
            POSIX.closeFile(fd)
            POSIX.removeFile(temporary)
            throw error
        }
        try commit(fd, temporary: temporary, to: path)
    }

    /// Flushes `fd` (open on `temporary`) to disk, closes it and renames `temporary` over
    /// `path`. On failure the temporary file is removed. `fd` is closed either way.
    static func commit(_ fd: Int32, temporary: String, to path: String) throws(POSIXError) {
        defer { POSIX.closeFile(fd) }
        do {
            try POSIX.sync(fd)
            try POSIX.renameFile(temporary, to: path)
        } catch {
            POSIX.removeFile(temporary)
            throw error
        }
    }

    /// The temporary file beside `path` that is renamed over it: `.NAME.PID.tmp`.
    static func temporaryPath(for path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory)
            + "/.\((path as NSString).lastPathComponent).\(POSIX.processID).tmp"
    }
}
