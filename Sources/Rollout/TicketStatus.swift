/// Where the MFA enrollment ticket of one operation stands, as the journal records it.
///
/// `none` (no ticket owed) → `pending` (the flag was turned on by a run with `--enroll`) →
/// `in-flight` → `done` | `failed` | `already-enrolled`. A run with `--enroll` requests `pending`, `in-flight` (a crash
/// mid-request) and `failed` tickets; `done` tickets are never requested again.
package enum TicketStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// No ticket is owed: the operation is not an enable that ended done in a run with `--enroll`.
    case none
    /// Owed, not requested yet.
    case pending
    /// Requested; the answer was not recorded yet.
    case inFlight = "in-flight"
    /// Created; the journal holds its id (never its URL).
    case done
    /// The server refused it, or its URL could not be written; the reason is in the journal.
    case failed
    /// Not requested: the user already had a confirmed MFA enrollment
    /// (`GET /api/v2/users/{id}/enrollments`), so a ticket would only send a needless email.
    case alreadyEnrolled = "already-enrolled"

    package var description: String { rawValue }
}
