import Foundation
import Rollout

/// An apply run's summary as a person reads it.
enum ApplySummaryText {
    static func render(_ s: ApplySummary, resume: String) -> String {
        var out = ""
        switch s.ending {
        case .completed:
            out +=
                s.failed == 0
                ? "Applied: every operation of the plan is done.\n"
                : "Finished with failures: \(s.failed) operation\(s.failed == 1 ? "" : "s") failed.\n"
        case .stopped:
            out += "Stopped on request: no new operations were started; the ones in flight finished.\n"
        case .errorBudgetExceeded:
            out += "Stopped: more operations failed than --max-failures allows.\n"
        case .fatalError:
            out += "Stopped by an error that every request would meet: \(Terminal.visible(s.fatalError ?? ""))\n"
        }
        var rows: [(String, String)] = [
            ("operations", "\(s.total)"),
            ("done", "\(s.done) (\(s.doneThisRun) in this run)"),
            ("failed", "\(s.failed)"),
            ("skipped (drift)", "\(s.skippedDrift)"),
            ("not done yet", "\(s.pending)"),
            (
                "requests",
                "\(s.requests) in \(String(format: "%.1f", s.elapsedSeconds)) s, \(String(format: "%.1f", s.requestsPerSecond))/s (limit \(String(format: "%g", s.configuredRate))/s, burst \(s.configuredBurst))"
            ),
            ("retries", "\(s.retries)"),
            ("answered 429", "\(s.rateLimited) (\(String(format: "%.2f", s.rateLimitedShare * 100)) %)"),
        ]
        if let check = s.tenantCheck { rows.append(("tenant check", check)) }
        if let t = s.tickets {
            var text =
                "\(t.created) created (\(t.createdThisRun) in this run), \(t.failed) failed, \(t.pending) not requested yet"
            if t.alreadyEnrolled > 0 { text += ", \(t.alreadyEnrolled) not needed (already enrolled)" }
            rows.append(("enrollment tickets", text))
            rows.append(
                (
                    "tickets sent by",
                    t.sendMail ? "Auth0 email" : "no email; URLs in \(Terminal.visible(t.ticketFile ?? "?")) (mode 600)"
                ))
        }
        let width = rows.map(\.0.count).max() ?? 0
        out += "\n"
        for (label, value) in rows {
            out += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "\n"
        }
        if !s.failures.isEmpty {
            out += "\nFailed:\n"
            for failure in s.failures.prefix(20) {
                out += "  \(Terminal.visible(failure.userID)) (\(failure.id)): \(Terminal.visible(failure.reason))\n"
            }
            if s.failures.count > 20 { out += "  … and \(s.failures.count - 20) more (mfa-rollout status --json)\n" }
        }
        if !s.drifted.isEmpty {
            out += "\nSkipped, the flag changed since the export:\n"
            for drift in s.drifted.prefix(20) {
                out += "  \(Terminal.visible(drift.userID)) (\(drift.id)): \(Terminal.visible(drift.reason))\n"
            }
            if s.drifted.count > 20 { out += "  … and \(s.drifted.count - 20) more\n" }
        }
        if let t = s.tickets, !t.failures.isEmpty {
            out += "\nEnrollment tickets that failed (the flag stays on; run again with --enroll to retry):\n"
            for failure in t.failures.prefix(20) {
                out += "  \(Terminal.visible(failure.userID)) (\(failure.id)): \(Terminal.visible(failure.reason))\n"
            }
            if t.failures.count > 20 { out += "  … and \(t.failures.count - 20) more (mfa-rollout status --json)\n" }
        }
        out += "\nFingerprint: \(s.fingerprint)\nJournal: \(Terminal.visible(s.journal))\n"
        if s.pending > 0 || s.failed > 0 || (s.tickets.map { $0.failed + $0.pending } ?? 0) > 0 {
            out += "To resume (done operations are not sent again; failed ones are retried):\n  \(resume)\n"
        }
        return out
    }
}
