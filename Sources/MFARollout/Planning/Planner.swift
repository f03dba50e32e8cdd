import Foundation

/// Everything a plan is computed from.
public struct PlanRequest: Sendable {
    public var sources: [ExportSource]
    public var policy: Policy
    public var onInvalid: InvalidRowHandling
    /// The moment date conditions (`within_days`) are evaluated at.
    public var asOf: Date
    public var createdAt: Date

    public init(
        sources: [ExportSource], policy: Policy, onInvalid: InvalidRowHandling = .fail,
        asOf: Date = Date(), createdAt: Date = Date()
    ) {
        self.sources = sources
        self.policy = policy
        self.onInvalid = onInvalid
        self.asOf = asOf
        self.createdAt = createdAt
    }
}

/// Turns exports and a policy into a ``Plan``: records → decisions → operations.
///
/// The planner has no network client and cannot get one: a plan is dry by construction.
public struct Planner: Sendable {
    public var request: PlanRequest

    public init(_ request: PlanRequest) {
        self.request = request
    }

    /// Reads every export once, streaming, and returns the plan.
    /// - Parameter progress: called with the number of rows read so far, every 100,000 rows.
    public func makePlan(progress: (@Sendable (Int) -> Void)? = nil) throws(PlanningError) -> Plan {
        let policy = request.policy
        let columns = policy.columnsNeeded
        let userIDSlot = columns.firstIndex(of: policy.columns.userID)!
        let flagSlot = columns.firstIndex(of: policy.flagColumn)!
        let emailSlot = columns.firstIndex(of: policy.columns.email)
        let connectionSlot = columns.firstIndex(of: policy.columns.connection)
        let flagLocation = policy.flag.description
        let asOf = request.asOf
        let skipInvalid = request.onInvalid == .skip

        var summary = PlanSummary()
        var operations: [PlanOperation] = []
        // Per-row bookkeeping without strings: counts by decision (deny, allow, no rule, then
        // matched and held back per rule), labels made once at the end, connections shared.
        var reasonCounts = [PlanSummary.ReasonCounts](repeating: .init(), count: 3 + 2 * policy.rules.count)
        var labels = [String?](repeating: nil, count: reasonCounts.count)
        var connections = StringInterner()
        var rejected: [RejectedRow] = []
        let reader = ExportReader(sources: request.sources, dialect: policy.dialect, userIDColumn: policy.columns.userID)
        let now = asOf.timeIntervalSince1970

        let onRejected: ((RejectedRow) throws -> Void)? =
            skipInvalid
            ? { row in rejected.append(row) }
            : nil

        let exportSummary: ExportReadSummary
        do {
            exportSummary = try reader.readRecords(
                columns: columns, required: Self.requiredColumns(policy), onRejected: onRejected,
                onHeader: { file, header in
                    do {
                        try policy.checkColumns(header: header)
                    } catch let error as PolicyError {
                        throw PlanningError.policy(export: file, error)
                    }
                }
            ) { record in
                summary.rows += 1
                if let progress, summary.rows % 100_000 == 0 { progress(summary.rows) }
                guard let current = FlagValue(exportBytes: record.bytes(flagSlot)) else {
                    let value = record.string(flagSlot) ?? ""
                    guard skipInvalid else {
                        throw PlanningError.unparsableFlag(file: record.file, line: record.line, column: policy.flagColumn, value: value)
                    }
                    rejected.append(
                        .init(file: record.file, line: record.line, userID: record.string(userIDSlot) ?? "",
                              reason: "column \"\(policy.flagColumn)\": unparsable flag value \"\(value)\""))
                    return
                }
                let decision = policy.decision(for: record, now: now)
                let reason: Int
                switch decision.kind {
                case .denyList: reason = 0
                case .allowList: reason = 1
                case .noRuleMatched: reason = 2
                case .rule: reason = 3 + 2 * decision.rule
                case .heldBack: reason = 4 + 2 * decision.rule
                }
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
                let userIDBytes = record.bytes(userIDSlot)!
                let email = emailSlot.flatMap { record.bytes($0) }.flatMap { $0.isEmpty ? nil : $0 }
                let connection = connectionSlot.flatMap { record.bytes($0) }.flatMap { $0.isEmpty ? nil : $0 }
                operations.append(
                    PlanOperation(
                        id: OperationID.make(flagLocation: flagLocation, userID: userIDBytes, action: action),
                        userID: String(decoding: userIDBytes, as: UTF8.self),
                        action: action,
                        current: current,
                        reason: label,
                        email: email.map { String(decoding: $0, as: UTF8.self) },
                        connection: connection.map { connections.intern($0) },
                        file: record.file,
                        line: record.line
                    ))
            }
        } catch let error as PlanningError {
            throw error
        } catch let error as ExportError {
            throw .export(error)
        } catch {
            preconditionFailure("unexpected error from the export reader: \(error)")
        }
        for (index, counts) in reasonCounts.enumerated() where counts.rows > 0 {
            let kind: Policy.Decision = switch index {
            case 0: .init(kind: .denyList)
            case 1: .init(kind: .allowList)
            case 2: .init(kind: .noRuleMatched)
            default: .init(kind: index % 2 == 1 ? .rule : .heldBack, rule: (index - 3) / 2)
            }
            summary.byReason[policy.selection(for: kind).reason.label] = counts
        }
        summary.rows += exportSummary.rejected
        summary.rejected = rejected.count

        var inputs = request.sources.map { source in
            Plan.InputFile(role: .export, path: source.displayName, sha256: exportSummary.sha256[source.displayName] ?? "")
        }
        inputs += policy.inputFiles.map { Plan.InputFile(role: $0.kind == .policy ? .policy : .list, path: $0.path, sha256: $0.sha256) }

        return Plan(
            producer: .init(createdAt: request.createdAt, asOf: request.asOf),
            inputs: inputs,
            flag: .init(container: policy.flag.container.rawValue, key: policy.flag.key, column: policy.flagColumn),
            mode: policy.mode.rawValue,
            summary: summary,
            guards: Self.checkGuards(policy.guards, summary: summary),
            operations: operations,
            rejected: rejected
        )
    }

    /// The columns every export must have: the user id, the flag, every column a rule tests
    /// (a misspelt column must not silently match nobody), and the email column when a list
    /// names emails (a deny list that cannot match must not let users through).
    static func requiredColumns(_ policy: Policy) -> Set<String> {
        var required: Set<String> = [policy.columns.userID, policy.flagColumn]
        required.formUnion(policy.columnReferences.map(\.column))
        if !policy.allow.emails.isEmpty || !policy.deny.emails.isEmpty { required.insert(policy.columns.email) }
        return required
    }

    /// Measures the plan against the policy's guards.
    static func checkGuards(_ guards: Guards, summary: PlanSummary) -> [GuardCheck] {
        var checks: [GuardCheck] = []
        if let limit = guards.minRows {
            checks.append(GuardCheck(kind: .minRows, limit: Double(limit), actual: Double(summary.rows)))
        }
        if let limit = guards.maxChanges {
            checks.append(GuardCheck(kind: .maxChanges, limit: Double(limit), actual: Double(summary.changes)))
        }
        if let limit = guards.maxChangePercent {
            let share = summary.rows == 0 ? 0 : Double(summary.changes) * 100 / Double(summary.rows)
            checks.append(GuardCheck(kind: .maxChangePercent, limit: limit, actual: share))
        }
        return checks
    }
}
