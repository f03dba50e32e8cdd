import Foundation

/// What an apply run did, and where the plan stands afterwards.
public struct ApplySummary: Sendable, Codable, Equatable {
    /// How the run ended.
    public enum Ending: String, Sendable, Codable, Equatable {
        /// Every pending operation was attempted.
        case completed
        /// Stopped on request (SIGINT/SIGTERM): no new operations were started.
        case stopped
        /// More operations failed than `--max-failures` allows.
        case errorBudgetExceeded = "error-budget-exceeded"
        /// An error that every further request would meet too (credentials, scope, journal).
        case fatalError = "fatal-error"
    }

    /// One failed operation.
    public struct Failure: Sendable, Codable, Equatable {
        public var id: String
        public var userID: String
        public var httpStatus: Int?
        public var reason: String

        enum CodingKeys: String, CodingKey { case id, userID = "user_id", httpStatus = "http_status", reason }
    }

    /// The enrollment tickets of the plan (`--enroll`), earlier runs included.
    public struct Tickets: Sendable, Codable, Equatable {
        /// Auth0 emailed them (else their URLs are in ``ticketFile``).
        public var sendMail: Bool
        public var ticketFile: String?
        /// Created, over all runs.
        public var created: Int
        public var createdThisRun: Int
        /// Failed (run again with `--enroll` to request them again).
        public var failed: Int
        /// Owed and not requested yet (the run stopped first).
        public var pending: Int
        /// Not requested: the user had already enrolled a factor.
        public var alreadyEnrolled: Int = 0
        public var failures: [Failure]

        enum CodingKeys: String, CodingKey {
            case sendMail = "send_mail", ticketFile = "ticket_file", created, createdThisRun = "created_this_run"
            case failed, pending, alreadyEnrolled = "already_enrolled", failures
        }
    }

    public var fingerprint: String
    public var journal: String
    public var ending: Ending
    /// The fatal error's description (no secrets), when `ending` is `fatal-error`.
    public var fatalError: String?
    /// Operations in the plan.
    public var total: Int
    /// The whole plan, by status, after this run (earlier runs included).
    public var done: Int
    public var failed: Int
    public var skippedDrift: Int
    public var pending: Int
    /// In this run.
    public var doneThisRun: Int
    public var failedThisRun: Int
    public var skippedThisRun: Int
    public var requests: Int
    public var retries: Int
    /// Answers with status 429.
    public var rateLimited: Int
    public var elapsedSeconds: Double
    /// Requests per second over the run.
    public var requestsPerSecond: Double
    /// The configured sustained limit (requests per second) and burst.
    public var configuredRate: Double
    public var configuredBurst: Int
    public var failures: [Failure]
    /// Operations whose flag had drifted (`--verify-current`).
    public var drifted: [Failure]
    /// With `--enroll`; nil otherwise.
    public var tickets: Tickets? = nil

    /// Share of requests answered 429.
    public var rateLimitedShare: Double { requests > 0 ? Double(rateLimited) / Double(requests) : 0 }

    /// 0 every operation done (or skipped for drift) and every owed ticket created, 4 some
    /// operations or tickets failed, 1 otherwise (fatal error, or stopped with work left).
    public var exitCode: Int32 {
        if ending == .fatalError { return 1 }
        if failed > 0 || (tickets?.failed ?? 0) > 0 { return 4 }
        return pending > 0 || (tickets?.pending ?? 0) > 0 ? 1 : 0
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, journal, ending, fatalError = "fatal_error", total, done, failed
        case skippedDrift = "skipped_drift", pending, doneThisRun = "done_this_run"
        case failedThisRun = "failed_this_run", skippedThisRun = "skipped_this_run", requests, retries
        case rateLimited = "rate_limited", elapsedSeconds = "elapsed_seconds"
        case requestsPerSecond = "requests_per_second", configuredRate = "configured_rate"
        case configuredBurst = "configured_burst", failures, drifted, tickets
    }
}
