import Foundation
import MFARollout

/// The run's metrics in Prometheus text exposition format, for node_exporter's textfile
/// collector (`--collector.textfile.directory`): `mfa_rollout.prom`, replaced atomically.
///
/// Gauges describe the last run; the two `_total` series are counters carried over from the
/// previous file and increased by this run, so `increase()` works across runs.
/// `mfa_rollout_last_success_timestamp_seconds` keeps the previous file's value when this run
/// did not succeed: alert on `time() - mfa_rollout_last_success_timestamp_seconds`.
package enum MetricsTextfile {
    /// The file name node_exporter picks up (it reads `*.prom`).
    package static let fileName = "mfa_rollout.prom"

    /// Counters and the last success carried from one file to the next.
    package struct Carried: Sendable, Equatable {
        package var appliedTotal: Double = 0
        package var failedTotal: Double = 0
        package var lastSuccess: Double?

        package init(appliedTotal: Double = 0, failedTotal: Double = 0, lastSuccess: Double? = nil) {
            self.appliedTotal = appliedTotal
            self.failedTotal = failedTotal
            self.lastSuccess = lastSuccess
        }
    }

    /// Reads the carried values from a previous file's text (missing or unreadable: zeros).
    package static func carried(fromPrevious text: String?) -> Carried {
        var carried = Carried()
        guard let text else { return carried }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let value = Double(parts[1]), value.isFinite else { continue }
            switch parts[0] {
            case "mfa_rollout_applied_total": carried.appliedTotal = value
            case "mfa_rollout_failed_total": carried.failedTotal = value
            case "mfa_rollout_last_success_timestamp_seconds": carried.lastSuccess = value
            default: break
            }
        }
        return carried
    }

    /// The file's text for `summary`, given what the previous file carried.
    /// - Returns: the text and the values to carry to the next run.
    package static func render(_ summary: ReconcileSummary, previous: Carried) -> (text: String, carried: Carried) {
        var next = previous
        next.appliedTotal += Double(summary.apply?.doneThisRun ?? 0)
        next.failedTotal += Double(summary.apply?.failedThisRun ?? 0)
        if summary.outcome.isSuccess { next.lastSuccess = summary.finishedAt.timeIntervalSince1970 }

        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += "\(name)\(sample.labels) \(format(sample.value))\n" }
        }
        let plan = summary.plan
        metric(
            "mfa_rollout_rows", "gauge", "Rows read from the user export by the last reconcile run.",
            [("", Double(plan?.rows ?? 0))])
        metric(
            "mfa_rollout_changes", "gauge", "Operations in the last run's plan, by action.",
            [("{action=\"enable\"}", Double(plan?.enable ?? 0)), ("{action=\"disable\"}", Double(plan?.disable ?? 0))])
        metric(
            "mfa_rollout_unchanged", "gauge", "Users the last run's plan leaves as they are.",
            [("", Double(plan?.unchanged ?? 0))])
        metric(
            "mfa_rollout_rejected_rows", "gauge", "Export rows set aside as invalid by the last run.",
            [("", Double(plan?.rejected ?? 0))])
        metric(
            "mfa_rollout_guard_tripped", "gauge", "1 when a policy guard tripped in the last run (nothing applied).",
            [("", summary.outcome == .guardTripped ? 1 : 0)])
        metric(
            "mfa_rollout_applied_total", "counter", "Operations applied by reconcile --auto-apply, over all runs.",
            [("", next.appliedTotal)])
        metric(
            "mfa_rollout_failed_total", "counter", "Operations that failed in reconcile --auto-apply, over all runs.",
            [("", next.failedTotal)])
        metric(
            "mfa_rollout_pending", "gauge", "Operations of the last applied plan not done yet.",
            [("", Double(summary.apply?.pending ?? 0))])
        if let tickets = summary.apply?.tickets {
            metric(
                "mfa_rollout_enrollment_tickets", "gauge",
                "Enrollment tickets (--enroll) of the last applied plan, by state.",
                [
                    ("{state=\"created\"}", Double(tickets.created)), ("{state=\"failed\"}", Double(tickets.failed)),
                    ("{state=\"pending\"}", Double(tickets.pending)),
                ])
        }
        if let enrollment = plan?.enrollment {
            let reasons = enrollment.byReason.sorted { $0.key < $1.key }
            for (state, help, value) in [
                (
                    "flagged", "Users whose flag is on or will be on after the last run's plan",
                    \PlanSummary.EnrollmentCounts.flagged
                ),
                (
                    "enrolled", "Of the users whose flag is or will be on, those who have enrolled an MFA factor",
                    \.enrolled
                ),
            ] {
                metric(
                    "mfa_rollout_\(state)_users", "gauge", "\(help).", [("", Double(enrollment.total[keyPath: value]))])
                metric(
                    "mfa_rollout_\(state)_users_by_reason", "gauge", "\(help), by the reason they were decided.",
                    reasons.map { ("{reason=\"\(label($0.key))\"}", Double($0.value[keyPath: value])) })
                metric(
                    "mfa_rollout_\(state)_users_by_wave", "gauge",
                    "\(help), by rollout wave (the tenth of the rollout bucket they were selected in).",
                    enrollment.waves.map { ("{wave=\"\($0.wave)\"}", Double($0.counts[keyPath: value])) })
            }
        }
        metric(
            "mfa_rollout_duration_seconds", "gauge", "Wall time of the last reconcile run.",
            [("", summary.durationSeconds)])
        metric(
            "mfa_rollout_last_run_timestamp_seconds", "gauge", "When the last reconcile run finished (UNIX time).",
            [("", summary.finishedAt.timeIntervalSince1970)])
        if let lastSuccess = next.lastSuccess {
            metric(
                "mfa_rollout_last_success_timestamp_seconds", "gauge",
                "When a reconcile run last succeeded (in sync, changes planned, or applied), UNIX time.",
                [("", lastSuccess)])
        }
        metric(
            "mfa_rollout_outcome", "gauge", "1 for how the last reconcile run ended, 0 for the other outcomes.",
            ReconcileOutcome.allCases.map { ("{outcome=\"\($0.rawValue)\"}", $0 == summary.outcome ? 1 : 0) })
        metric(
            "mfa_rollout_exit_code", "gauge", "Exit code of the last reconcile run.", [("", Double(summary.exitCode))])
        return (out, next)
    }

    /// A label value escaped as the exposition format requires (`\\`, `\"`, `\n`).
    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Integers without a fraction; other values with enough digits to round-trip.
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
