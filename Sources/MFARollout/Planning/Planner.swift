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
    ///
    /// The calling thread reads; rows are decided on a second thread (`DecisionPipeline`).
    /// - Parameters:
    ///   - writer: when given, each operation is written to it as it is made; the caller
    ///     then calls `writer.finish(plan)`, or `abandon()` when this throws. Made with
    ///     `headerShape()`, it writes the same file as `PlanFile.write` would, without a
    ///     second pass over the operations once planning ends.
    ///   - progress: called with the number of rows read so far, every 100,000 rows.
    public func makePlan(
        writingTo writer: PlanFile.Writer? = nil, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(PlanningError) -> Plan {
        let decided = try decideRows(writingTo: writer, keepingOperations: true, progress: progress)
        return Plan(outline: outline(of: decided), operations: decided.decider.finishOperations())
    }

    /// Makes the plan as `makePlan` does, but keeps only its outline: each operation is
    /// written to `writer` (when given) and fingerprinted as it is made, then dropped. For a
    /// caller that needs the plan file and the counts, not the operations in memory; the
    /// caller then calls `writer.finish(outline)`, or `abandon()` when this throws.
    public func makeOutline(
        writingTo writer: PlanFile.Writer?, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(PlanningError) -> PlanOutline {
        outline(of: try decideRows(writingTo: writer, keepingOperations: false, progress: progress))
    }

    /// The plan's outline: what it was made from, its counts and guards, and the fingerprint
    /// of the operations the decider made.
    private func outline(of decided: DecidedRows) -> PlanOutline {
        PlanOutline(
            producer: .init(createdAt: request.createdAt, asOf: request.asOf),
            inputs: inputFiles(exportSHA256: decided.exportSHA256),
            flag: flagTarget,
            mode: request.policy.mode.rawValue,
            summary: decided.summary,
            guards: Self.checkGuards(request.policy.guards, summary: decided.summary),
            fingerprint: decided.decider.fingerprintValue,
            operationCount: decided.summary.changes,
            rejected: decided.rejected
        )
    }

    /// What reading and deciding every row leaves: the counts, the rows set aside, the
    /// inputs' digests, and the decider with the operations (or only their fingerprint).
    private struct DecidedRows {
        var summary: PlanSummary
        var rejected: [RejectedRow]
        var exportSHA256: [String: String]
        var decider: RowDecider
    }

    private func decideRows(
        writingTo writer: PlanFile.Writer?, keepingOperations: Bool, progress: (@Sendable (Int) -> Void)?
    ) throws(PlanningError) -> DecidedRows {
        let policy = request.policy
        let columns = policy.columnsNeeded
        let reader = ExportReader(sources: request.sources, dialect: policy.dialect, userIDColumn: policy.columns.userID)
        let expectedLines = reader.estimatedLineCount()
        let decider = RowDecider(
            policy: policy, skipInvalid: request.onInvalid == .skip, asOf: request.asOf, writer: writer,
            keepingOperations: keepingOperations)
        let pipeline = DecisionPipeline(slots: columns.count) { batch in try decider.decide(batch) }
        var readerRejected: [RejectedRow] = []
        let onRejected: ((RejectedRow) throws -> Void)? =
            request.onInvalid == .skip
            ? { row in readerRejected.append(row) }
            : nil

        let exportSummary: ExportReadSummary
        do {
            var rows = 0
            exportSummary = try reader.readRecords(
                columns: columns, required: Self.requiredColumns(policy), onRejected: onRejected,
                onHeader: { file, header in
                    do {
                        try policy.checkColumns(header: header)
                    } catch let error as PolicyError {
                        throw PlanningError.policy(export: file, error)
                    }
                },
                expectedLineCount: expectedLines
            ) { record in
                rows += 1
                if let progress, rows % 100_000 == 0 { progress(rows) }
                try pipeline.submit(record)
            }
            try pipeline.finish()
        } catch {
            // A row the decider failed on comes before anything the reader failed on later.
            switch pipeline.cancel() ?? error {
            case let error as PlanningError: throw error
            case let error as ExportError: throw .export(error)
            case let error: preconditionFailure("unexpected error from the export reader: \(error)")
            }
        }
        var summary = decider.summary
        summary.byReason = decider.countsByReason
        // Rows with an unparsable flag first, then those the reader rejected, as before.
        let rejected = decider.rejected + readerRejected
        summary.rows += exportSummary.rejected
        summary.rejected = rejected.count
        return DecidedRows(summary: summary, rejected: rejected, exportSHA256: exportSummary.sha256, decider: decider)
    }

    private var flagTarget: Plan.FlagTarget {
        let policy = request.policy
        return .init(container: policy.flag.container.rawValue, key: policy.flag.key, column: policy.flagColumn)
    }

    /// A plan whose header is at least as long as that of any plan this planner can make:
    /// the same inputs, flag and guards, every count at `Int.max`, every reason present, every
    /// measure at the longest a `Double` prints. `PlanFile.Writer` keeps that much room.
    public func headerShape() -> Plan {
        let policy = request.policy
        let longest = -2.2250738585072014e-308
        var summary = PlanSummary()
        summary.rows = .max
        summary.selected = .max
        summary.enable = .max
        summary.disable = .max
        summary.unchanged = .max
        summary.keptByEnableOnly = .max
        summary.rejected = .max
        var counts = PlanSummary.ReasonCounts()
        counts.rows = .max
        counts.enable = .max
        counts.disable = .max
        for reason in RowDecider.reasons(ruleCount: policy.rules.count) {
            summary.byReason[policy.selection(for: reason).reason.label] = counts
        }
        let guards = Self.checkGuards(policy.guards, summary: PlanSummary()).map { check in
            var check = GuardCheck(kind: check.kind, limit: longest, actual: longest)
            check.tripped = false
            return check
        }
        var plan = Plan(
            producer: .init(createdAt: request.createdAt, asOf: request.asOf),
            inputs: inputFiles(exportSHA256: [:]),
            flag: flagTarget,
            mode: policy.mode.rawValue, summary: summary, guards: guards, operations: [], rejected: [],
            fingerprint: "sha256:" + String(repeating: "0", count: 64))
        plan.outcome = [PlanOutcome.noChanges, .changes, .guardTripped].max { $0.rawValue.count < $1.rawValue.count }!
        plan.applicable = false
        return plan
    }

    /// The exports (with `exportSHA256`'s digests, else 64 zeros) then the policy's files.
    private func inputFiles(exportSHA256: [String: String]) -> [Plan.InputFile] {
        request.sources.map { source in
            Plan.InputFile(
                role: .export, path: source.displayName,
                sha256: exportSHA256[source.displayName] ?? String(repeating: "0", count: 64))
        }
            + request.policy.inputFiles.map {
                Plan.InputFile(role: $0.kind == .policy ? .policy : .list, path: $0.path, sha256: $0.sha256)
            }
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
