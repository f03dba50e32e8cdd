import MFARollout

/// One operation as the journal records it.
public struct JournalRecord: Sendable, Hashable, Codable {
    /// Position in the plan's `operations` (0-based).
    public var index: Int
    public var id: String
    public var userID: String
    public var action: PlanAction
    /// The plan's `current`.
    public var plannedCurrent: FlagValue
    public var desired: FlagValue
    public var status: OperationStatus
    /// Requests sent for it over all runs (GETs of `--verify-current` included).
    public var attempts: Int
    /// The last HTTP status received, if any.
    public var httpStatus: Int?
    /// The last error, without secrets.
    public var lastError: String?
    /// The flag's value before the write: read from the tenant with `--verify-current`, else
    /// the plan's `current`. Nil when the tenant held something other than a boolean.
    public var valueBefore: FlagValue?
    /// `valueBefore` was read from the tenant (`--verify-current`) rather than taken from the plan.
    public var valueBeforeObserved: Bool
    /// ISO-8601 times (UTC).
    public var startedAt: String?
    public var finishedAt: String?
    /// The MFA enrollment ticket (`--enroll`): its status, id (never its URL), requests sent
    /// for it over all runs, and the last error.
    public var ticketStatus: TicketStatus = .none
    public var ticketID: String?
    public var ticketAttempts: Int = 0
    public var ticketError: String?

    enum CodingKeys: String, CodingKey {
        case index, id, userID = "user_id", action, plannedCurrent = "planned_current", desired, status, attempts
        case httpStatus = "http_status", lastError = "last_error", valueBefore = "value_before"
        case valueBeforeObserved = "value_before_observed", startedAt = "started_at", finishedAt = "finished_at"
        case ticketStatus = "ticket_status", ticketID = "ticket_id", ticketAttempts = "ticket_attempts"
        case ticketError = "ticket_error"
    }
}
