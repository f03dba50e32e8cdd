import Foundation
import MFARollout
import ManagementAPI

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
        POSIX.closeFile(descriptor)
    }

    package static let header = "user_id,email,ticket_url\n"

    /// Opens `path` for appending, creating it (mode 0600, with a header line) when missing.
    package static func open(path: String) throws(TicketFileError) -> TicketFile {
        let descriptor: Int32
        let info: POSIX.FileStatus
        do {
            descriptor = try POSIX.openFile(path, POSIX.createPrivateForAppending, mode: 0o600)
        } catch {
            throw .cannotOpen(path: path, reason: error.message)
        }
        do {
            info = try POSIX.status(descriptor)
        } catch {
            POSIX.closeFile(descriptor)
            throw .cannotOpen(path: path, reason: error.message)
        }
        guard info.owner == POSIX.userID else {
            POSIX.closeFile(descriptor)
            throw .notOwned(path: path)
        }
        let mode = info.mode & 0o777
        guard mode & 0o077 == 0 else {
            POSIX.closeFile(descriptor)
            throw .tooOpen(path: path, mode: mode)
        }
        let file = TicketFile(path: path, descriptor: descriptor)
        if info.size == 0 { try file.write(Array(header.utf8)) }
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
                try POSIX.writeAll(bytes, to: descriptor)  // O_APPEND: at the end
                try POSIX.sync(descriptor)
                return nil
            } catch {
                return error.message
            }
        }
        if let failure { throw .cannotWrite(path: path, reason: failure) }
    }
}
