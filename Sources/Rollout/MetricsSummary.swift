import Foundation
import MFARollout

/// What a reconcile run did, as `reconcile-summary.json` records it for schedulers and dashboards.
package struct ReconcileSummary: Sendable, Codable, Equatable {
    package struct Export: Sendable, Codable, Equatable {
        package var jobID: String
        package var bytes: Int
        package var polls: Int
        package var downloadAttempts: Int
        /// Where the export was kept (`--keep-export`); nil when it was deleted.
        package var keptAt: String?

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id"
            case bytes, polls
            case downloadAttempts = "download_attempts"
            case keptAt = "kept_at"
        }
    }

    package struct PlanPart: Sendable, Codable, Equatable {
        package var path: String
        package var fingerprint: String
        package var rows: Int
        package var enable: Int
        package var disable: Int
        package var unchanged: Int
        package var rejected: Int
        package var applicable: Bool
        package var trippedGuards: [String]
        /// Enrollment among users whose flag is or will be on, when the export had the column.
        package var enrollment: PlanSummary.Enrollment? = nil

        enum CodingKeys: String, CodingKey {
            case path, fingerprint, rows, enable, disable, unchanged, rejected, applicable
            case trippedGuards = "tripped_guards"
            case enrollment
        }
    }

    package struct ApplyPart: Sendable, Codable, Equatable {
        package var journal: String
        package var done: Int
        package var failed: Int
        package var skippedDrift: Int
        package var pending: Int
        package var doneThisRun: Int
        package var failedThisRun: Int
        package var requests: Int
        package var retries: Int
        package var rateLimited: Int
        /// Enrollment tickets (`--enroll`); nil otherwise.
        package var tickets: ApplySummary.Tickets? = nil
        /// The fingerprint `--auto-apply` approved: always that of the plan this run made.
        package var approvedFingerprint: String? = nil

        enum CodingKeys: String, CodingKey {
            case approvedFingerprint = "approved_fingerprint"
            case journal, done, failed
            case skippedDrift = "skipped_drift"
            case pending
            case doneThisRun = "done_this_run"
            case failedThisRun = "failed_this_run"
            case requests, retries
            case rateLimited = "rate_limited"
            case tickets
        }
    }

    package var outcome: ReconcileOutcome
    package var exitCode: Int32
    package var domain: String
    package var startedAt: Date
    package var finishedAt: Date
    package var durationSeconds: Double
    /// The last run that succeeded (this one, or kept from the previous summary).
    package var lastSuccessAt: Date?
    package var export: Export?
    package var plan: PlanPart?
    /// Markdown, HTML and changes CSV written by this run.
    package var reports: [String]
    package var apply: ApplyPart?
    /// What went wrong (no secrets), for `error` and `apply-stopped`.
    package var error: String?
    /// With `--auto-apply`: the tenant check before the run (`passed`, `passed with warnings`,
    /// `skipped`); nil without `--auto-apply`.
    package var tenantCheck: String? = nil

    enum CodingKeys: String, CodingKey {
        case outcome
        case exitCode = "exit_code"
        case domain
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationSeconds = "duration_seconds"
        case lastSuccessAt = "last_success_at"
        case export, plan, reports, apply, error
        case tenantCheck = "tenant_check"
    }

    /// Pretty JSON with sorted keys and ISO-8601 dates.
    package func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var bytes = Array((try? encoder.encode(self)) ?? Data())
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
