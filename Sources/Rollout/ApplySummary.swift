import Foundation

/// What an apply run did, and where the plan stands afterwards.
package struct ApplySummary: Sendable, Codable, Equatable {
    /// How the run ended.
    package enum Ending: String, Sendable, Codable, Equatable {
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
    package struct Failure: Sendable, Codable, Equatable {
        package var id: String
        package var userID: String
        package var httpStatus: Int?
        package var reason: String

        enum CodingKeys: String, CodingKey {
            case id
            case userID = "user_id"
            case httpStatus = "http_status"
            case reason
        }
    }

    /// The enrollment tickets of the plan (`--enroll`), earlier runs included.
    package struct Tickets: Sendable, Codable, Equatable {
        /// Auth0 emailed them (else their URLs are in ``ticketFile``).
        package var sendMail: Bool
        package var ticketFile: String?
        /// Created, over all runs.
        package var created: Int
        package var createdThisRun: Int
        /// Failed (run again with `--enroll` to request them again).
        package var failed: Int
        /// Owed and not requested yet (the run stopped first).
        package var pending: Int
        /// Not requested: the user had already enrolled a factor.
        package var alreadyEnrolled: Int = 0
        package var failures: [Failure]

        enum CodingKeys: String, CodingKey {
            case sendMail = "send_mail"
            case ticketFile = "ticket_file"
            case created
            case createdThisRun = "created_this_run"
            case failed, pending
            case alreadyEnrolled = "already_enrolled"
            case failures
        }
    }

    package var fingerprint: String
    package var journal: String
    package var ending: Ending
    /// The fatal error's description (no secrets), when `ending` is `fatal-error`.
    package var fatalError: String?
    /// Operations in the plan.
    package var total: Int
    /// The whole plan, by status, after this run (earlier runs included).
    package var done: Int
    package var failed: Int
    package var skippedDrift: Int
    package var pending: Int
    /// In this run.
    package var doneThisRun: Int
    package var failedThisRun: Int
    package var skippedThisRun: Int
    package var requests: Int
    package var retries: Int
    /// Answers with status 429.
    package var rateLimited: Int
    package var elapsedSeconds: Double
    /// Requests per second over the run.
    package var requestsPerSecond: Double
    /// The configured sustained limit (requests per second) and burst.
    package var configuredRate: Double
    package var configuredBurst: Int
    package var failures: [Failure]
    /// Operations whose flag had drifted (`--verify-current`).
    package var drifted: [Failure]
    /// With `--enroll`; nil otherwise.
    package var tickets: Tickets? = nil
    /// The tenant check before the run: `passed`, `passed with warnings` or `skipped`; nil
    /// when the run was not started from the command line.
    package var tenantCheck: String? = nil

    /// Share of requests answered 429.
    package var rateLimitedShare: Double { requests > 0 ? Double(rateLimited) / Double(requests) : 0 }

    /// 0 every operation done (or skipped for drift) and every owed ticket created, 4 some
    /// operations or tickets failed, 1 otherwise (fatal error, or stopped with work left).
    package var exitCode: Int32 {
        if ending == .fatalError { return 1 }
        if failed > 0 || (tickets?.failed ?? 0) > 0 { return 4 }
        return pending > 0 || (tickets?.pending ?? 0) > 0 ? 1 : 0
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, journal, ending
        case fatalError = "fatal_error"
        case total, done, failed
        case skippedDrift = "skipped_drift"
        case pending
        case doneThisRun = "done_this_run"
        case failedThisRun = "failed_this_run"
        case skippedThisRun = "skipped_this_run"
        case requests, retries
        case rateLimited = "rate_limited"
        case elapsedSeconds = "elapsed_seconds"
        case requestsPerSecond = "requests_per_second"
        case configuredRate = "configured_rate"
        case configuredBurst = "configured_burst"
        case failures, drifted, tickets
        case tenantCheck = "tenant_check"
    }
}
