import Foundation
import MFARollout
import Rollout

/// `apply` without `--approve` on a terminal: shows what would run and asks for the
/// fingerprint's first digits, so that a person approves what they see. Elsewhere (cron, CI,
/// a pipe) nothing is asked and `apply` refuses.
enum ApprovalPrompt {
    /// The digits typed, or nil when there is no terminal to ask on (the approval check then
    /// refuses with what to pass).
    static func ask(for source: some PlanOperationSource) throws -> String? {
        guard POSIX.isTerminal(POSIX.standardInput), Terminal.standardErrorIsTerminal else { return nil }
        let plan = source.outline
        let turningOff = source.operationsTurningMFAOff
        var text = "Plan \(plan.fingerprint)\n"
        text += "  tenant      \(plan.tenant ?? "(none)")\n"
        text += "  flag        \(plan.flag.location)\n"
        text +=
            "  operations  \(plan.operationCount) (\(plan.operationCount - turningOff) turn MFA on, \(turningOff) turn it off)\n"
        text += "  made        \(plan.producer.createdAt.formatted(.iso8601))\n"
        text += "Type the fingerprint's first \(ApplyApproval.shortestPrefix) hex digits to approve it: "
        Terminal.standardError(text)
        guard let line = readLine(strippingNewline: true) else {
            Terminal.standardError("\n")
            return nil
        }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
