import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that readers see the old content or the whole new content, never half:
/// write a temporary file beside it, flush it to disk, rename it over the target.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically, with `permissions` for a new file.
    public static func write(_ bytes: [UInt8], to path: String, permissions: mode_t = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, permissions)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return true
        }
        let saved = errno
        guard ok, fsync(fd) == 0 else {
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
}
