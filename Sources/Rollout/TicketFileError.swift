/// The ticket file (`--ticket-file`) cannot be used. Never carries a ticket URL.
package enum TicketFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--no-send-mail` without a file to write the URLs to.
    case noPath
    case cannotOpen(path: String, reason: String)
    /// The file exists and others than its owner may read or write it.
    case tooOpen(path: String, mode: UInt32)
    /// The file exists and belongs to another user.
    case notOwned(path: String)
    case cannotWrite(path: String, reason: String)

    package var description: String {
        switch self {
        case .noPath:
            "enrollment tickets without email need a file for their URLs (--ticket-file)"
        case .cannotOpen(let path, let reason):
            "cannot open the ticket file \(path): \(reason)"
        case .tooOpen(let path, let mode):
            "the ticket file \(path) has mode \(String(mode, radix: 8)); ticket URLs are credentials: it must be 600 (chmod 600, or another --ticket-file)"
        case .notOwned(let path):
            "the ticket file \(path) belongs to another user"
        case .cannotWrite(let path, let reason):
            "cannot write to the ticket file \(path): \(reason)"
        }
    }
}
