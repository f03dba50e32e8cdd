import Foundation

/// Making a plan, stage by stage: the one way `plan` and `reconcile` make and write plans.
///
/// Each stage hands the next one value of the type on its left:
///
///     ExportSource            a file, or standard input
///       │ ExportInput           read in fixed chunks, gunzipped, SHA-256 on the way
///     bytes
///       │ ExportReader          libcsv fields → records; the header checked against the
///       │                       policy; rows checked; duplicate ids refused (UserIDHashSet)
///     ExportRecord            one row's requested columns, as bytes
///       │ DecisionPipeline      copied into batches, handed to a second thread
///     RecordBatch
///       │ RowDecider            Policy.decision (ConditionProgram, rollout buckets),
///       │                       diffed against the flag (FlagValue)
///     PlanOperation           kept in PlanOperations, or only written
///       │ PlanFile.Writer       written one a line; every byte hashed
///     PlanOutline / Plan      counts, guards, outcome, and the fingerprint
///
/// The byte-level stages live in `FastPath/`; this file is the only one that assembles them.
/// The pipeline has no network client and cannot get one: a plan is dry by construction.
package struct PlanPipeline: Sendable {
    package var request: PlanRequest

    package init(_ request: PlanRequest) {
        self.request = request
    }

    /// Reads every export once, streaming, and returns the plan, with its operations.
    ///
    /// The calling thread reads; rows are decided on a second thread (`DecisionPipeline`).
    /// - Parameters:
    ///   - path: where the plan file goes, written while the rows are decided (nothing
    ///     appears there unless the whole plan is made). Without one, the pipeline hashes the
    ///     file it would write, for the fingerprint.
    ///   - progress: called with the number of rows read so far, every 100,000 rows.
    package func makePlan(
        writingTo path: String? = nil, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(PlanningError) -> Plan {
        let (outline, decider) = try run(writingTo: path, keepingOperations: true, progress: progress)
        return Plan(outline: outline, operations: decider.finishOperations())
    }

    /// Makes the plan as `makePlan` does, but keeps only its outline: each operation is
    /// written and hashed as it is made, then dropped. For a caller that needs the plan file
    /// and the counts, not the operations in memory.
    package func makeOutline(
        writingTo path: String?, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(PlanningError) -> PlanOutline {
        try run(writingTo: path, keepingOperations: false, progress: progress).outline
    }

    /// What every plan this pipeline makes starts with.
    package var heading: PlanHeading {
        PlanHeading(
            tenant: request.tenant, producer: .init(createdAt: request.createdAt, asOf: request.asOf),
            flag: flagTarget, mode: PlanMode(request.policy.mode))
    }

    /// The stages, in order: open the plan file, read and decide every row, finish the file
    /// (or its hash) with the outline.
    private func run(
        writingTo path: String?, keepingOperations: Bool, progress: (@Sendable (Int) -> Void)?
    ) throws(PlanningError) -> (outline: PlanOutline, decider: RowDecider) {
        let writer: PlanFile.Writer
        do {
            writer = try PlanFile.Writer(path: path, heading: heading)
        } catch {
            throw .planFile(error)
        }
        let decided: DecidedRows
        do {
            decided = try decideRows(writingTo: writer, keepingOperations: keepingOperations, progress: progress)
        } catch {
            writer.abandon()
            throw error
        }
        let outline = PlanOutline(
            heading: heading,
            inputs: inputFiles(exportSHA256: decided.exportSHA256),
            summary: decided.summary,
            guards: Self.checkGuards(request.policy.guards, summary: decided.summary),
            operationCount: decided.summary.changes,
            rejected: decided.rejected
        )
        do {
            return (try writer.finish(outline), decided.decider)
        } catch {
            throw .planFile(error)
        }
    }

    /// What reading and deciding every row leaves: the counts, the rows set aside, the
    /// inputs' digests, and the decider with the operations.
    private struct DecidedRows {
        var summary: PlanSummary
        var rejected: [RejectedRow]
        var exportSHA256: [String: String]
        var decider: RowDecider
    }

    private func decideRows(
        writingTo writer: PlanFile.Writer, keepingOperations: Bool, progress: (@Sendable (Int) -> Void)?
    ) throws(PlanningError) -> DecidedRows {
        let policy = request.policy
        let columns = policy.columnsNeeded
        let reader = ExportReader(
            sources: request.sources, dialect: policy.dialect, userIDColumn: policy.columns.userID)
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
                expectedLineCount: expectedLines,
                onRecord: { record in
                    rows += 1
                    if let progress, rows % 100_000 == 0 { progress(rows) }
                    try pipeline.submit(record)
                }
            )
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
        summary.enrollment = decider.enrollment
        // Rows with an unparsable flag first, then those the reader rejected, as before.
        let rejected = decider.rejected + readerRejected
        summary.rows += exportSummary.rejected
        summary.rejected = rejected.count
        if let members = policy.members {
            for (group, count) in zip(members.groups, decider.membershipCounts) {
                summary.byMembership[group.description] = count
            }
        }
        summary.warnings = PlanWarnings.make(
            policy: policy, summary: summary, blankColumns: decider.blankColumns,
            sourceColumnMissing: decider.sourceColumnMissing)
        return DecidedRows(summary: summary, rejected: rejected, exportSHA256: exportSummary.sha256, decider: decider)
    }

    private var flagTarget: Plan.FlagTarget {
        let policy = request.policy
        let ownership = policy.ownership
        return .init(
            container: policy.flag.container.rawValue, key: policy.flag.key, column: policy.flagColumn,
            source: .init(
                container: ownership.source.container.rawValue, key: ownership.source.key, column: ownership.column,
                value: ownership.value, disable: ownership.disable))
    }

    /// The exports (with `exportSHA256`'s digests, else 64 zeros) then the policy's files.
    private func inputFiles(exportSHA256: [String: String]) -> [Plan.InputFile] {
        request.sources.map { source in
            Plan.InputFile(
                role: .export, path: source.displayName,
                sha256: exportSHA256[source.displayName] ?? String(repeating: "0", count: 64))
        }
            + request.policy.inputFiles.map {
                Plan.InputFile(role: Self.role(of: $0.kind), path: $0.path, sha256: $0.sha256)
            }
    }

    /// How a plan names a policy input's role.
    static func role(of kind: PolicyInputFile.Kind) -> Plan.InputFile.Role {
        switch kind {
        case .policy: .policy
        case .allowList, .denyList: .list
        case .members: .members
        }
    }

    /// The columns every export must have: the user id, the flag, every column a rule tests
    /// (a misspelt column must not silently match nobody), and the email column when a list
    /// names emails (a deny list that cannot match must not let users through).
    static func requiredColumns(_ policy: Policy) -> Set<String> {
        var required: Set<String> = [policy.columns.userID, policy.flagColumn]
        required.formUnion(policy.columnReferences.map(\.column))
        if !policy.allow.emails.isEmpty || !policy.deny.emails.isEmpty { required.insert(policy.columns.email) }
        if let enrolled = policy.columns.enrolled { required.insert(enrolled) }
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
