import Foundation

/// A plan without its operations: what it was made from, its counts, guards, outcome and
/// fingerprint, and the rows set aside.
///
/// All a summary needs, and what `PlanPipeline.makeOutline` returns when the operations go
/// only to the plan file: a plan of a million changes then never sits whole in memory.
package struct PlanOutline: Sendable, Hashable, Codable {
    package var format: String
    package var formatVersion: Int
    package var producer: Plan.Producer
    /// The tenant the plan is for, canonical; nil when it was made without one.
    package var tenant: String?
    package var inputs: [Plan.InputFile]
    package var flag: Plan.FlagTarget
    package var mode: PlanMode
    package var summary: PlanSummary
    package var guards: [GuardCheck]
    package var outcome: PlanOutcome
    /// False when a guard tripped: `apply` refuses such a plan.
    package var applicable: Bool
    /// SHA-256 over every byte of the plan file but the fingerprint itself (see ``Fingerprint``).
    package var fingerprint: String
    /// How many operations the plan holds (they are not here).
    package var operationCount: Int
    package var rejected: [RejectedRow]

    /// The outline of a plan made now, in the current format; its outcome follows from the
    /// guards and the number of operations. The fingerprint is set once the file is written
    /// (see ``PlanFile/Writer/finish(_:)``).
    package init(
        heading: PlanHeading, inputs: [Plan.InputFile], summary: PlanSummary, guards: [GuardCheck],
        operationCount: Int, rejected: [RejectedRow]
    ) {
        format = Plan.formatName
        formatVersion = Plan.currentFormatVersion
        producer = heading.producer
        tenant = heading.tenant
        self.inputs = inputs
        flag = heading.flag
        mode = heading.mode
        self.summary = summary
        self.guards = guards
        outcome = PlanOutcome(guards: guards, operationCount: operationCount)
        applicable = outcome != .guardTripped
        fingerprint = ""
        self.operationCount = operationCount
        self.rejected = rejected
    }

    /// What the plan file holds before its operations.
    var heading: PlanHeading {
        PlanHeading(tenant: tenant, producer: producer, flag: flag, mode: mode)
    }

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case tenant, producer, inputs, flag, mode, summary, guards
        case outcome, applicable, fingerprint, operations, rejected
    }

    /// Every field but `operationCount` (a plan holds the operations themselves; a decoded
    /// outline counts none until its plan sets it) and `rejected` (which a plan encodes after
    /// its operations).
    package func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(format, forKey: .format)
        try values.encode(formatVersion, forKey: .formatVersion)
        try values.encode(producer, forKey: .producer)
        try values.encode(tenant, forKey: .tenant)
        try values.encode(inputs, forKey: .inputs)
        try values.encode(flag, forKey: .flag)
        try values.encode(mode, forKey: .mode)
        try values.encode(summary, forKey: .summary)
        try values.encode(guards, forKey: .guards)
        try values.encode(outcome, forKey: .outcome)
        try values.encode(applicable, forKey: .applicable)
        try values.encode(fingerprint, forKey: .fingerprint)
    }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        format = try values.decode(String.self, forKey: .format)
        formatVersion = try values.decode(Int.self, forKey: .formatVersion)
        producer = try values.decode(Plan.Producer.self, forKey: .producer)
        tenant = try values.decodeIfPresent(String.self, forKey: .tenant)
        inputs = try values.decode([Plan.InputFile].self, forKey: .inputs)
        flag = try values.decode(Plan.FlagTarget.self, forKey: .flag)
        mode = try values.decode(PlanMode.self, forKey: .mode)
        summary = try values.decode(PlanSummary.self, forKey: .summary)
        guards = try values.decode([GuardCheck].self, forKey: .guards)
        outcome = try values.decode(PlanOutcome.self, forKey: .outcome)
        applicable = try values.decode(Bool.self, forKey: .applicable)
        fingerprint = try values.decode(String.self, forKey: .fingerprint)
        operationCount = 0
        rejected = try values.decode([RejectedRow].self, forKey: .rejected)
    }
}

extension PlanOutcome {
    /// A guard tripped, else whether there is anything to do.
    init(guards: [GuardCheck], operationCount: Int) {
        if guards.contains(where: \.tripped) {
            self = .guardTripped
        } else {
            self = operationCount == 0 ? .noChanges : .changes
        }
    }
}
