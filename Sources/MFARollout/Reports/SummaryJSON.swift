import Foundation

/// The machine-readable summary `plan --json` prints for scripts.
package struct SummaryJSON: Sendable, Codable, Hashable {
    package var outcome: PlanOutcome
    package var exitCode: Int32
    package var applicable: Bool
    package var fingerprint: String
    /// The tenant the plan is for; nil when it was made without one.
    package var tenant: String?
    package var flag: String
    package var mode: PlanMode
    package var summary: PlanSummary
    package var guards: [GuardCheck]
    /// Where the plan was written, if it was.
    package var plan: String?

    package init(outline: PlanOutline, planPath: String?) {
        outcome = outline.outcome
        exitCode = outline.outcome.exitCode
        applicable = outline.applicable
        fingerprint = outline.fingerprint
        tenant = outline.tenant
        flag = outline.flag.location
        mode = outline.mode
        summary = outline.summary
        guards = outline.guards
        self.plan = planPath
    }

    /// Pretty, key-sorted JSON text with a final newline.
    package func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    enum CodingKeys: String, CodingKey {
        case outcome
        case exitCode = "exit_code"
        case applicable, fingerprint, tenant, flag, mode, summary, guards, plan
    }
}
