import Foundation

/// What a reconcile run did, as `reconcile-summary.json` records it for schedulers and dashboards.
public struct ReconcileSummary: Sendable, Codable, Equatable {
    public struct Export: Sendable, Codable, Equatable {
        public var jobID: String
        public var bytes: Int
        public var polls: Int
        public var downloadAttempts: Int
        /// Where the export was kept (`--keep-export`); nil when it was deleted.
        public var keptAt: String?

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id", bytes, polls, downloadAttempts = "download_attempts", keptAt = "kept_at"
        }
    }

    public struct PlanPart: Sendable, Codable, Equatable {
        public var path: String
        public var fingerprint: String
        public var rows: Int
        public var enable: Int
        public var disable: Int
        public var unchanged: Int
        public var rejected: Int
        public var applicable: Bool
        public var trippedGuards: [String]

        enum CodingKeys: String, CodingKey {
            case path, fingerprint, rows, enable, disable, unchanged, rejected, applicable
            case trippedGuards = "tripped_guards"
        }
    }

    public struct ApplyPart: Sendable, Codable, Equatable {
        public var journal: String
        public var done: Int
        public var failed: Int
        public var skippedDrift: Int
        public var pending: Int
        public var doneThisRun: Int
        public var failedThisRun: Int
        public var requests: Int
        public var retries: Int
        public var rateLimited: Int
        /// Enrollment tickets (`--enroll`); nil otherwise.
        public var tickets: ApplySummary.Tickets? = nil
        /// The fingerprint `--auto-apply` approved: always that of the plan this run made.
        public var approvedFingerprint: String? = nil

        enum CodingKeys: String, CodingKey {
            case approvedFingerprint = "approved_fingerprint"
            case journal, done, failed, skippedDrift = "skipped_drift", pending, doneThisRun = "done_this_run"
            case failedThisRun = "failed_this_run", requests, retries, rateLimited = "rate_limited", tickets
        }
    }

    public var outcome: ReconcileOutcome
    public var exitCode: Int32
    public var domain: String
    public var startedAt: Date
    public var finishedAt: Date
    public var durationSeconds: Double
    /// The last run that succeeded (this one, or kept from the previous summary).
    public var lastSuccessAt: Date?
    public var export: Export?
    public var plan: PlanPart?
    /// Markdown, HTML and changes CSV written by this run.
    public var reports: [String]
    public var apply: ApplyPart?
    /// What went wrong (no secrets), for `error` and `apply-stopped`.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case outcome, exitCode = "exit_code", domain, startedAt = "started_at", finishedAt = "finished_at"
        case durationSeconds = "duration_seconds", lastSuccessAt = "last_success_at", export, plan, reports, apply, error
    }

    /// Pretty JSON with sorted keys and ISO-8601 dates.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var bytes = Array((try? encoder.encode(self)) ?? Data())
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
