import MFARollout

/// One operation as the journal records it.
package struct JournalRecord: Sendable, Hashable, Codable {
    /// Position in the plan's `operations` (0-based).
    package var index: Int
    package var id: String
    package var userID: String
    package var action: PlanAction
    /// The plan's `current`.
    package var plannedCurrent: FlagValue
    package var desired: FlagValue
    package var status: OperationStatus
    /// Requests sent for it over all runs (GETs of `--verify-current` included).
    package var attempts: Int
    /// The last HTTP status received, if any.
    package var httpStatus: Int?
    /// The last error, without secrets.
    package var lastError: String?
    /// The flag's value before the write: read from the tenant with `--verify-current`, else
    /// the plan's `current`. Nil when the tenant held something other than a boolean.
    package var valueBefore: FlagValue?
    /// `valueBefore` was read from the tenant (`--verify-current`) rather than taken from the plan.
    package var valueBeforeObserved: Bool
    /// ISO-8601 times (UTC).
    package var startedAt: String?
    package var finishedAt: String?
    /// The MFA enrollment ticket (`--enroll`): its status, id (never its URL), requests sent
    /// for it over all runs, and the last error.
    package var ticketStatus: TicketStatus = .none
    package var ticketID: String?
    package var ticketAttempts: Int = 0
    package var ticketError: String?

    enum CodingKeys: String, CodingKey {
        case index, id
        case userID = "user_id"
        case action
        case plannedCurrent = "planned_current"
        case desired, status, attempts
        case httpStatus = "http_status"
        case lastError = "last_error"
        case valueBefore = "value_before"
        case valueBeforeObserved = "value_before_observed"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case ticketStatus = "ticket_status"
        case ticketID = "ticket_id"
        case ticketAttempts = "ticket_attempts"
        case ticketError = "ticket_error"
    }
}
