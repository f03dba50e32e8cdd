import Foundation

/// The machine-readable summary `plan --json` prints for scripts.
public struct SummaryJSON: Sendable, Codable, Hashable {
    public var outcome: PlanOutcome
    public var exitCode: Int32
    public var applicable: Bool
    public var fingerprint: String
    public var flag: String
    public var mode: String
    public var summary: PlanSummary
    public var guards: [GuardCheck]
    /// Where the plan was written, if it was.
    public var plan: String?

    public init(plan: Plan, planPath: String?) {
        outcome = plan.outcome
        exitCode = plan.outcome.exitCode
        applicable = plan.applicable
        fingerprint = plan.fingerprint
        flag = plan.flag.location
        mode = plan.mode
        summary = plan.summary
        guards = plan.guards
        self.plan = planPath
    }

    /// Pretty, key-sorted JSON text with a final newline.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    enum CodingKeys: String, CodingKey {
        case outcome, exitCode = "exit_code", applicable, fingerprint, flag, mode, summary, guards, plan
    }
}
