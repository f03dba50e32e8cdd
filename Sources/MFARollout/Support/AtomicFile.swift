import Foundation

/// Writes a file so that readers see the old content or the whole new content, never half:
/// write a temporary file beside it, flush it to disk, rename it over the target.
///
/// The temporary file has no name while it is written where the system allows (Linux
/// `O_TMPFILE`): an error, a signal or `kill -9` part way leaves nothing behind. Elsewhere it is
/// `.NAME.PID.tmp`, removed on an error and, through ``TemporaryFiles``, on a signal the
/// command handles.
package enum AtomicFile {
    /// Writes `bytes` to `path` atomically, with `permissions` for a new file.
    package static func write(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o644) throws {
        try write(to: path, permissions: permissions) { sink in try sink(bytes) }
    }

    /// Writes what `body` hands its sink, in pieces, to `path` atomically.
    package static func write(
        to path: String, permissions: mode_t = 0o644, _ body: (_ sink: ([UInt8]) throws -> Void) throws -> Void
    ) throws {
        let file = try Temporary(for: path, permissions: permissions)
        do {
            try body { bytes in try POSIX.writeAll(bytes, to: file.descriptor) }
        } catch {
            file.abandon()
            throw error
        }
        try file.commit()
    }

    /// A file being written that is to replace `path` once complete.
    struct Temporary {
        /// Open for writing.
        let descriptor: Int32
        /// The file it replaces.
        let path: String
        /// The name it has while it is written; nil while it has none (an unnamed file).
        let name: String?

        /// Starts the file: unnamed in `path`'s directory where possible, else `.NAME.PID.tmp`.
        init(for path: String, permissions: mode_t = 0o644) throws(POSIXError) {
            self.path = path
            if let descriptor = POSIX.openUnnamedFile(inDirectory: AtomicFile.directory(of: path), mode: permissions) {
                self.descriptor = descriptor
                name = nil
                return
            }
            let name = AtomicFile.temporaryPath(for: path)
            TemporaryFiles.register(name)
            do {
                descriptor = try POSIX.openFile(name, POSIX.createForWriting, mode: permissions)
            } catch {
                TemporaryFiles.unregister(name)
                throw error
            }
            self.name = name
        }

        /// Flushes the file to disk, closes it and puts it in `path`'s place. On failure the
        /// file is removed; it is closed either way.
        func commit() throws(POSIXError) {
            defer { POSIX.closeFile(descriptor) }
            let temporary = name ?? AtomicFile.temporaryPath(for: path)
            do {
                try POSIX.sync(descriptor)
                if name == nil {
                    // A name of its own first: `linkat` cannot replace a file, `rename` can.
                    TemporaryFiles.register(temporary)
                    POSIX.removeFile(temporary)
                    try POSIX.linkUnnamedFile(descriptor, to: temporary)
                }
                try POSIX.renameFile(temporary, to: path)
                TemporaryFiles.unregister(temporary)
            } catch {
                POSIX.removeFile(temporary)
                TemporaryFiles.unregister(temporary)
                throw error
            }
        }

        /// Closes and removes the file; nothing is written at `path`.
        func abandon() {
            POSIX.closeFile(descriptor)
            if let name {
                POSIX.removeFile(name)
                TemporaryFiles.unregister(name)
            }
        }
    }

    /// The name the file written for `path` has before it is renamed over it: `.NAME.PID.tmp`.
    static func temporaryPath(for path: String) -> String {
        directory(of: path) + "/.\((path as NSString).lastPathComponent).\(POSIX.processID).tmp"
    }

    private static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }
}
