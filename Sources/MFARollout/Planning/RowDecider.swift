import Foundation

/// Decides rows one by one and accumulates what the plan needs: counts, operations (with
/// their fingerprint, computed as they are made) and rows rejected for an unparsable flag.
///
/// Used by one thread at a time: the deciding thread of a `DecisionPipeline` while the
/// export is read, then the planner once that thread has finished. Hence
/// `@exclusivity(unchecked)` on the state it updates per row: the runtime checks would cost
/// more than the updates.
final class RowDecider: @unchecked Sendable {
    private let policy: Policy
    private let skipInvalid: Bool
    private let now: Double
    private let flagLocation: String
    private let userIDSlot: Int
    private let flagSlot: Int
    private let emailSlot: Int?
    private let connectionSlot: Int?

    @exclusivity(unchecked) private(set) var summary = PlanSummary()
    @exclusivity(unchecked) private(set) var operations: [PlanOperation] = []
    /// Rows whose flag value cannot be read, in input order (`--on-invalid skip`).
    @exclusivity(unchecked) private(set) var rejected: [RejectedRow] = []
    @exclusivity(unchecked) private var fingerprint: Fingerprint
    /// Counts by decision: deny list, allow list, no rule, then matched and held back per rule.
    @exclusivity(unchecked) private var reasonCounts: [PlanSummary.ReasonCounts]
    /// Reason labels, made the first time a decision of that kind plans an operation.
    @exclusivity(unchecked) private var labels: [String?]
    @exclusivity(unchecked) private var connections = StringInterner()
    /// Receives each operation as it is made.
    private let writer: PlanFile.Writer?

    /// - Parameter expectedRows: about how many rows will be decided. The operations array
    ///   reserves room for that many (at most 2M): address space only until used, and it is
    ///   not copied into a larger array again and again while a million rows are decided.
    ///   The cap keeps a huge export from reserving more address space than a machine that
    ///   does not overcommit memory would grant.
    init(policy: Policy, skipInvalid: Bool, asOf: Date, writer: PlanFile.Writer? = nil, expectedRows: Int = 0) {
        self.writer = writer
        operations.reserveCapacity(min(expectedRows, 1 << 21))
        self.policy = policy
        self.skipInvalid = skipInvalid
        now = asOf.timeIntervalSince1970
        flagLocation = policy.flag.description
        let columns = policy.columnsNeeded
        userIDSlot = columns.firstIndex(of: policy.columns.userID)!
        flagSlot = columns.firstIndex(of: policy.flagColumn)!
        emailSlot = columns.firstIndex(of: policy.columns.email)
        connectionSlot = columns.firstIndex(of: policy.columns.connection)
        fingerprint = Fingerprint(flagLocation: flagLocation)
        reasonCounts = Array(repeating: .init(), count: Self.reasons(ruleCount: policy.rules.count).count)
        labels = Array(repeating: nil, count: reasonCounts.count)
    }

    /// Decides every row of `batch`, in order.
    func decide(_ batch: RecordBatch) throws(PlanningError) {
        for row in 0..<batch.count { try decide(batch.record(row)) }
    }

    /// Decides one row read with `policy.columnsNeeded` as the columns.
    func decide(_ record: ExportRecord) throws(PlanningError) {
        summary.rows += 1
        guard let current = FlagValue(exportBytes: record.bytes(flagSlot)) else {
            let value = record.string(flagSlot) ?? ""
            guard skipInvalid else {
                throw .unparsableFlag(file: record.file, line: record.line, column: policy.flagColumn, value: value)
            }
            rejected.append(
                .init(file: record.file, line: record.line, userID: record.string(userIDSlot) ?? "",
                      reason: "column \"\(policy.flagColumn)\": unparsable flag value \"\(value)\""))
            return
        }
        let decision = policy.decision(for: record, now: now)
        let reason = Self.reasonIndex(decision)
        reasonCounts[reason].rows += 1
        let selected = decision.selected
        if selected { summary.selected += 1 }

        let action: PlanAction?
        if selected {
            action = current == .on ? nil : .enable
        } else if current == .on {
            if policy.mode == .enforce {
                action = .disable
            } else {
                action = nil
                summary.keptByEnableOnly += 1
            }
        } else {
            action = nil
        }
        guard let action else {
            summary.unchanged += 1
            return
        }
        if action == .enable {
            summary.enable += 1
            reasonCounts[reason].enable += 1
        } else {
            summary.disable += 1
            reasonCounts[reason].disable += 1
        }
        let label: String
        if let known = labels[reason] {
            label = known
        } else {
            label = policy.selection(for: decision).reason.label
            labels[reason] = label
        }
        let userID = record.bytes(userIDSlot)!
        let email = emailSlot.flatMap { record.bytes($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let connection = connectionSlot.flatMap { record.bytes($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let operation = PlanOperation(
            id: OperationID.make(flagLocation: flagLocation, userID: userID, action: action),
            userID: String(decoding: userID, as: UTF8.self),
            action: action,
            current: current,
            reason: label,
            email: email.map { String(decoding: $0, as: UTF8.self) },
            connection: connection.map { connections.intern($0) },
            file: record.file,
            line: record.line
        )
        fingerprint.add(operation)
        writer?.append(operation)
        operations.append(operation)
    }

    /// The plan's fingerprint over the operations made so far.
    var fingerprintValue: String { fingerprint.finalize() }

    /// Rows per reason label, as `PlanSummary.byReason` holds them.
    var countsByReason: [String: PlanSummary.ReasonCounts] {
        var byReason: [String: PlanSummary.ReasonCounts] = [:]
        for (decision, counts) in zip(Self.reasons(ruleCount: policy.rules.count), reasonCounts) where counts.rows > 0 {
            byReason[policy.selection(for: decision).reason.label] = counts
        }
        return byReason
    }

    /// Every kind of decision a plan counts, in the order `reasonIndex` numbers them: deny
    /// list, allow list, no rule matched, then for each rule matched and held back.
    static func reasons(ruleCount: Int) -> [Policy.Decision] {
        [.init(kind: .denyList), .init(kind: .allowList), .init(kind: .noRuleMatched)]
            + (0..<ruleCount).flatMap { rule in [Policy.Decision(kind: .rule, rule: rule), .init(kind: .heldBack, rule: rule)] }
    }

    @inline(__always)
    private static func reasonIndex(_ decision: Policy.Decision) -> Int {
        switch decision.kind {
        case .denyList: 0
        case .allowList: 1
        case .noRuleMatched: 2
        case .rule: 3 + 2 * decision.rule
        case .heldBack: 4 + 2 * decision.rule
        }
    }
}
