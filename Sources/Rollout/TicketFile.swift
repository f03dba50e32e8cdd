import Foundation
import MFARollout
import ManagementAPI

#if canImport(Glibc)
import Glibc
#endif

/// The CSV file of enrollment ticket URLs (`--no-send-mail`): `user_id,email,ticket_url`, one
/// line per ticket, appended and fsynced as each ticket is created.
///
/// The file is created with mode 0600 by `open(2)` itself (never widened then narrowed), and an
/// existing one is appended to only if it is still 0600 and ours: a resumed run adds the
/// tickets it creates to those of the earlier runs, whose URLs exist nowhere else.
package final class TicketFile: @unchecked Sendable {
    package let path: String
    private let descriptor: Int32
    private let lock = NSLock()

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    package static let header = "user_id,email,ticket_url\n"

    /// Opens `path` for appending, creating it (mode 0600, with a header line) when missing.
    package static func open(path: String) throws(TicketFileError) -> TicketFile {
        let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotOpen(path: path, reason: reason)
        }
        guard info.st_uid == getuid() else {
            close(descriptor)
            throw .notOwned(path: path)
        }
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else {
            close(descriptor)
            throw .tooOpen(path: path, mode: mode)
        }
        let file = TicketFile(path: path, descriptor: descriptor)
        if info.st_size == 0 { try file.write(Array(header.utf8)) }
        return file
    }

    /// Appends one ticket and flushes it to disk. The only place a ticket URL is revealed.
    ///
    /// Written by `CSVWriter` (libcsv's quoting), formulas neutralised: people open this file
    /// in a spreadsheet to send the links, and ids and emails are user input, so one that
    /// starts with `=`, `+`, `-` or `@` gets a leading `'`, as in the changes CSV.
    package func append(userID: String, email: String?, url: TicketURL) throws(TicketFileError) {
        try write(CSVWriter.encodeRow([userID, email ?? "", url.revealedValue]))
    }

    private func write(_ bytes: [UInt8]) throws(TicketFileError) {
        let failure: String? = lock.withLock {
            do throws(POSIXError) {
                try AtomicFile.writeAll(bytes, to: descriptor)  // O_APPEND: at the end
            } catch {
                return String(cString: strerror(error.code.rawValue))
            }
            return fsync(descriptor) == 0 ? nil : String(cString: strerror(errno))
        }
        if let failure { throw .cannotWrite(path: path, reason: failure) }
    }
}
