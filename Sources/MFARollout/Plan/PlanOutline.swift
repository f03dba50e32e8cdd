import Foundation

/// A plan without its operations: what it was made from, its counts, guards, outcome and
/// fingerprint, and the rows set aside.
///
/// All a summary needs, and what `Planner.makeOutline` returns when the operations go only to
/// the plan file: a plan of a million changes then never sits whole in memory. Encoded, it is
/// the plan file's header (``Plan`` encodes its operations and rejected rows after it).
package struct PlanOutline: Sendable, Hashable, Encodable {
    package var format: String
    package var formatVersion: Int
    package var producer: Plan.Producer
    /// The tenant the plan is for, canonical; nil when it was made without one.
    package var tenant: String?
    package var inputs: [Plan.InputFile]
    package var flag: Plan.FlagTarget
    /// `enable-only` or `enforce`.
    package var mode: String
    package var summary: PlanSummary
    package var guards: [GuardCheck]
    package var outcome: PlanOutcome
    /// False when a guard tripped: `apply` refuses such a plan.
    package var applicable: Bool
    package var fingerprint: String
    /// How many operations the plan holds (they are not here).
    package var operationCount: Int
    package var rejected: [RejectedRow]

    /// The outline of a plan made now, in the current format; its outcome follows from the
    /// guards and the number of operations, as a ``Plan``'s does. The fingerprint is set
    /// once the file is written (see ``PlanFile/Writer/finish(_:)``).
    init(
        heading: PlanHeading, inputs: [Plan.InputFile], summary: PlanSummary, guards: [GuardCheck],
        operationCount: Int, rejected: [RejectedRow]
    ) {
        let outcome = PlanOutcome(guards: guards, operationCount: operationCount)
        self.init(
            format: Plan.formatName, formatVersion: Plan.currentFormatVersion, producer: heading.producer,
            tenant: heading.tenant, inputs: inputs, flag: heading.flag, mode: heading.mode, summary: summary,
            guards: guards, outcome: outcome, applicable: outcome != .guardTripped, fingerprint: "",
            operationCount: operationCount, rejected: rejected)
    }

    init(
        format: String, formatVersion: Int, producer: Plan.Producer, tenant: String?, inputs: [Plan.InputFile],
        flag: Plan.FlagTarget, mode: String, summary: PlanSummary, guards: [GuardCheck], outcome: PlanOutcome,
        applicable: Bool, fingerprint: String, operationCount: Int, rejected: [RejectedRow]
    ) {
        self.format = format
        self.formatVersion = formatVersion
        self.producer = producer
        self.tenant = tenant
        self.inputs = inputs
        self.flag = flag
        self.mode = mode
        self.summary = summary
        self.guards = guards
        self.outcome = outcome
        self.applicable = applicable
        self.fingerprint = fingerprint
        self.operationCount = operationCount
        self.rejected = rejected
    }

    /// Every field but `operationCount` (a plan holds the operations themselves) and
    /// `rejected` (which a plan encodes after its operations).
    package func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: Plan.CodingKeys.self)
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
}

extension Plan {
    /// The plan `outline` describes, with its operations (as many as it counts).
    init(outline: PlanOutline, operations: PlanOperations) {
        precondition(outline.operationCount == operations.count, "an outline with other operations than it counts")
        self.init(
            producer: outline.producer, tenant: outline.tenant, inputs: outline.inputs, flag: outline.flag,
            mode: outline.mode, summary: outline.summary, guards: outline.guards, operations: operations,
            rejected: outline.rejected, fingerprint: outline.fingerprint)
        format = outline.format
        formatVersion = outline.formatVersion
        outcome = outline.outcome
        applicable = outline.applicable
    }

    /// Everything but the operations.
    package var outline: PlanOutline {
        PlanOutline(
            format: format, formatVersion: formatVersion, producer: producer, tenant: tenant, inputs: inputs,
            flag: flag, mode: mode, summary: summary, guards: guards, outcome: outcome, applicable: applicable,
            fingerprint: fingerprint, operationCount: operations.count, rejected: rejected)
    }
}

extension PlanOutline {
    /// What the plan file holds before its operations.
    var heading: PlanHeading {
        PlanHeading(tenant: tenant, producer: producer, flag: flag, mode: mode)
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
