import Foundation

/// The machine-readable summary `plan --json` prints for scripts.
public struct SummaryJSON: Sendable, Codable, Hashable {
    public var outcome: PlanOutcome
    public var exitCode: Int32
    public var applicable: Bool
    public var fingerprint: String
    /// The tenant the plan is for; nil when it was made without one.
    public var tenant: String?
    public var flag: String
    public var mode: String
    public var summary: PlanSummary
    public var guards: [GuardCheck]
    /// Where the plan was written, if it was.
    public var plan: String?

    public init(outline: PlanOutline, planPath: String?) {
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
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    enum CodingKeys: String, CodingKey {
        case outcome, exitCode = "exit_code", applicable, fingerprint, tenant, flag, mode, summary, guards, plan
    }
}
