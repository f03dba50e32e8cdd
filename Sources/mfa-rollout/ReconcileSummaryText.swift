import Foundation
import MFARollout
import ManagementAPI
import Rollout

/// What `reconcile` prints.
enum ReconcileSummaryText {
    /// An export job's status: `processing 40%`.
    static func status(of job: ExportJob) -> String {
        var text = "\(job.status)"
        if let done = job.percentageDone { text += " \(done)%" }
        return text
    }

    /// The run's summary as a person reads it.
    static func render(_ s: ReconcileSummary) -> String {
        var out =
            "Reconcile \(Terminal.visible(s.domain)): \(s.outcome.rawValue) (exit \(s.exitCode)) in \(String(format: "%.1f", s.durationSeconds)) s\n"
        if let plan = s.plan {
            out += "  rows \(plan.rows), enable \(plan.enable), disable \(plan.disable), unchanged \(plan.unchanged)\n"
            out += "  plan \(Terminal.visible(plan.path))\n  fingerprint \(plan.fingerprint)\n"
            for guardText in plan.trippedGuards { out += "  ✗ \(Terminal.visible(guardText))\n" }
            if let enrollment = plan.enrollment {
                for line in EnrollmentProgressText.lines(enrollment) { out += "  \(Terminal.visible(line))\n" }
            }
        }
        for report in s.reports { out += "  wrote \(Terminal.visible(report))\n" }
        if let check = s.tenantCheck { out += "  tenant check: \(check)\n" }
        if let apply = s.apply {
            if let approved = apply.approvedFingerprint {
                out += "  auto-approved \(approved): the plan this run made, and no other\n"
            }
            out +=
                "  applied \(apply.doneThisRun) this run; done \(apply.done), failed \(apply.failed), not done \(apply.pending) (journal \(Terminal.visible(apply.journal)))\n"
            if let t = apply.tickets {
                out += "  enrollment tickets: \(t.created) created, \(t.failed) failed, \(t.pending) not requested yet"
                out +=
                    t.sendMail
                    ? " (emailed by Auth0)\n" : " (URLs in \(Terminal.visible(t.ticketFile ?? "?")), mode 600)\n"
            }
        }
        if s.outcome == .changesPending, let plan = s.plan {
            out +=
                "To apply after review:\n  mfa-rollout apply \(ShellQuoting.word(plan.path)) --approve \(plan.fingerprint) --domain \(ShellQuoting.word(s.domain)) …\n"
        }
        return out
    }
}
