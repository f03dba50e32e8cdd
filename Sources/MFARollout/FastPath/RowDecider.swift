import Foundation

/// Decides rows one by one and accumulates what the plan needs: counts, operations (each
/// handed to the plan's writer as it is made) and rows rejected for an unparsable flag.
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
    /// The source key's column (see ``FlagOwnership``), and the marker that says the rollout set the flag.
    private let sourceSlot: Int
    private let marker: UnsafeMutableBufferPointer<UInt8>
    private let disableAll: Bool
    /// The marker's index in the operations' string table (-1 until first used).
    @exclusivity(unchecked) private var markerLabel: Int32 = -1
    /// Slots of the rule columns no row has had a value in yet; emptied as values turn up.
    @exclusivity(unchecked) private var blankSlots: [Int]
    /// Selected users per group of the membership file (`policy.members`), by group index.
    @exclusivity(unchecked) private(set) var membershipCounts: [Int]
    /// Whether some export had no source column.
    @exclusivity(unchecked) private(set) var sourceColumnMissing = false
    /// `columns.enrolled`'s slot, when the policy names one.
    private let enrolledSlot: Int?
    /// Enrollment among flagged users, when `enrolledSlot` is set: by decision kind (indexed
    /// as `reasonCounts`) and by tenth of the rollout bucket.
    @exclusivity(unchecked) private var enrolledByReason: [PlanSummary.EnrollmentCounts]
    @exclusivity(unchecked) private var enrolledByWave: [PlanSummary.EnrollmentCounts]

    @exclusivity(unchecked) private(set) var summary = PlanSummary()
    /// The operations made so far; `finishOperations()` hands them over. Without
    /// `keepingOperations`, only the last one: the others are written, then dropped.
    private let operations: PlanOperations.Builder
    /// Rows whose flag value cannot be read, in input order (`--on-invalid skip`).
    @exclusivity(unchecked) private(set) var rejected: [RejectedRow] = []
    /// Counts by decision: deny list, allow list, no rule, then matched and held back per rule.
    @exclusivity(unchecked) private var reasonCounts: [PlanSummary.ReasonCounts]
    /// Reason labels' indices in the operations' string table, added the first time a
    /// decision of that kind plans an operation (-1 until then).
    @exclusivity(unchecked) private var labels: [Int32]
    /// The string table index of the file the last operation came from, and that file. The
    /// reference keeps its address from being reused by a later input's name.
    @exclusivity(unchecked) private var fileIndex: Int32 = -1
    @exclusivity(unchecked) private var fileSource: SourceName?
    /// The flag location's UTF-8, for operation ids.
    private let flagBytes: UnsafeMutableBufferPointer<UInt8>
    /// Receives each operation as it is made.
    private let writer: PlanFile.Writer?

    init(policy: Policy, skipInvalid: Bool, asOf: Date, writer: PlanFile.Writer?, keepingOperations: Bool = true) {
        self.writer = writer
        operations = PlanOperations.Builder(retaining: keepingOperations)
        self.policy = policy
        self.skipInvalid = skipInvalid
        now = asOf.timeIntervalSince1970
        flagLocation = policy.flag.description
        flagBytes = .allocate(capacity: flagLocation.utf8.count)
        _ = flagBytes.initialize(from: flagLocation.utf8)
        let columns = policy.columnsNeeded
        userIDSlot = columns.firstIndex(of: policy.columns.userID)!
        flagSlot = columns.firstIndex(of: policy.flagColumn)!
        emailSlot = columns.firstIndex(of: policy.columns.email)
        connectionSlot = columns.firstIndex(of: policy.columns.connection)
        sourceSlot = columns.firstIndex(of: policy.ownership.column)!
        marker = .allocate(capacity: policy.ownership.value.utf8.count)
        _ = marker.initialize(from: policy.ownership.value.utf8)
        disableAll = policy.ownership.disable == .all
        var ruleSlots: [Int] = []
        for reference in policy.columnReferences {
            let slot = columns.firstIndex(of: reference.column)!
            if !ruleSlots.contains(slot) { ruleSlots.append(slot) }
        }
        blankSlots = ruleSlots
        membershipCounts = Array(repeating: 0, count: policy.members?.groups.count ?? 0)
        enrolledSlot = policy.columns.enrolled.flatMap { columns.firstIndex(of: $0) }
        reasonCounts = Array(repeating: .init(), count: Self.reasons(ruleCount: policy.rules.count).count)
        labels = Array(repeating: -1, count: reasonCounts.count)
        enrolledByReason = Array(repeating: .init(), count: reasonCounts.count)
        enrolledByWave = Array(repeating: .init(), count: 10)
    }

    deinit {
        flagBytes.deallocate()
        marker.deallocate()
    }

    /// The rule columns that were empty in every row read (in the policy's order); none when
    /// no row was read.
    var blankColumns: [String] {
        summary.rows == 0 ? [] : blankSlots.map { policy.columnsNeeded[$0] }
    }

    /// Decides every row of `batch`, in order.
    func decide(_ batch: RecordBatch) throws(PlanningError) {
        for row in 0..<batch.count { try decide(batch.record(row)) }
    }

    /// Decides one row read with `policy.columnsNeeded` as the columns.
    func decide(_ record: ExportRecord) throws(PlanningError) {
        summary.rows += 1
        let flagIsString = record.quoting.isString(flagSlot)
        let typed = record.quoting.escaped
        // An Auth0 export tells a boolean from a string; a plain CSV does not.
        guard
            let current = typed
                ? FlagValue(auth0Bytes: record.bytes(flagSlot), isString: flagIsString)
                : FlagValue(exportBytes: record.bytes(flagSlot))
        else {
            let value = record.string(flagSlot) ?? ""
            guard skipInvalid else {
                throw .unparsableFlag(file: record.file, line: record.line, column: policy.flagColumn, value: value)
            }
            rejected.append(
                .init(
                    file: record.file, line: record.line, userID: record.string(userIDSlot) ?? "",
                    reason: VisibleText.escaped(
                        "column \"\(policy.flagColumn)\": unparsable flag value \"\(value)\"")))
            return
        }
        if !blankSlots.isEmpty { noteValues(record) }
        let decision = policy.decision(for: record, now: now)
        let reason = Self.reasonIndex(decision)
        reasonCounts[reason].rows += 1
        let selected = decision.selected
        if selected {
            summary.selected += 1
            if let members = policy.members, let userID = record.string(userIDSlot) {
                for group in members.groups(of: userID) { membershipCounts[Int(group)] += 1 }
            }
        }

        let source = record.bytes(sourceSlot)
        if source == nil { sourceColumnMissing = true }
        let action: PlanAction?
        if selected {
            action = current == .on ? nil : .enable
        } else if current == .on || current == .other, policy.mode == .enforce {
            if disableAll || isMarker(source, isString: !typed || record.quoting.isString(sourceSlot)) {
                action = .disable
            } else {
                action = nil
                keep(record, current: current)
            }
        } else if current == .on {
            action = nil
            summary.keptByEnableOnly += 1
        } else {
            action = nil
        }
        if let enrolledSlot, selected || (current == .on && action == nil) {
            let enrolled = (record.bytes(enrolledSlot)?.count ?? 0) > 0 ? 1 : 0
            enrolledByReason[reason].flagged += 1
            enrolledByReason[reason].enrolled += enrolled
            if decision.kind == .rule, decision.hashed {
                let tenth = min(9, max(0, Int(decision.bucket / 10)))
                enrolledByWave[tenth].flagged += 1
                enrolledByWave[tenth].enrolled += enrolled
            }
        }
        guard let action else {
            summary.unchanged += 1
            return
        }
        if current == .other, let raw = record.bytes(flagSlot) {
            summary.normalise += 1
            let from = FlagValue.describeOther(raw, isString: flagIsString)
            // Bounded: the values come from the export.
            if summary.normaliseFrom[from] != nil || summary.normaliseFrom.count < 32 {
                summary.normaliseFrom[from, default: 0] += 1
            } else {
                summary.normaliseFrom["other values", default: 0] += 1
            }
        }
        if action == .enable {
            summary.enable += 1
            reasonCounts[reason].enable += 1
        } else {
            summary.disable += 1
            reasonCounts[reason].disable += 1
        }
        var label = labels[reason]
        if label < 0 {
            label = operations.tableIndex(policy.selection(for: decision).reason.label)
            labels[reason] = label
        }
        if fileSource.map({ record.source.toOpaque() != Unmanaged.passUnretained($0).toOpaque() }) ?? true {
            fileSource = record.source.takeUnretainedValue()
            fileIndex = operations.tableIndex(record.file)
        }
        let userID = record.bytes(userIDSlot)!
        let email = emailSlot.flatMap { record.bytes($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let connection = connectionSlot.flatMap { record.bytes($0) }.flatMap { $0.isEmpty ? nil : $0 }
        // The source key: written with the marker when the flag goes on, deleted when it goes off.
        let sourceCurrent: Int32
        if let source, !source.isEmpty {
            sourceCurrent = source.equals(UnsafeBufferPointer(marker)) ? markerIndex() : operations.tableIndex(source)
        } else {
            sourceCurrent = -1
        }
        let sourceDesired = action == .enable ? markerIndex() : -1
        // Made from the row's bytes and kept as bytes (see `PlanOperations`): no `String` and
        // no reference count per operation.
        let operation = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: OperationID.length) { id in
            OperationID.write(
                flagLocation: UnsafeBufferPointer(flagBytes), userID: userID, action: action, to: id.baseAddress!)
            return operations.append(
                id: UnsafeBufferPointer(id), userID: userID, email: email,
                action: action, current: current, desired: action.desired,
                reason: label, connection: connection.map { operations.tableIndex($0) } ?? -1,
                file: fileIndex, line: record.line, sourceCurrent: sourceCurrent, sourceDesired: sourceDesired)
        }
        writer?.append(operation)
    }

    /// Whether the source cell holds the marker: the rollout set this flag. In an Auth0
    /// export the marker is a string (`'mfa-rollout`), so a bare value is not it.
    @inline(__always)
    private func isMarker(_ source: UnsafeBufferPointer<UInt8>?, isString: Bool) -> Bool {
        guard let source, isString else { return false }
        return source.equals(UnsafeBufferPointer(marker))
    }

    private func markerIndex() -> Int32 {
        if markerLabel < 0 { markerLabel = operations.tableIndex(UnsafeBufferPointer(marker)) }
        return markerLabel
    }

    /// Counts a flag set outside the rollout that `disable: owned-only` keeps, listing the first few.
    private func keep(_ record: ExportRecord, current: FlagValue) {
        summary.keptUnowned += 1
        guard summary.keptUnownedSample.count < PlanSummary.keptSampleLimit else { return }
        summary.keptUnownedSample.append(
            .init(
                userID: record.string(userIDSlot) ?? "",
                email: emailSlot.flatMap { record.string($0) }.flatMap { $0.isEmpty ? nil : $0 },
                current: current, file: record.file, line: record.line))
    }

    /// Drops from `blankSlots` every rule column this row has a value in.
    private func noteValues(_ record: ExportRecord) {
        blankSlots.removeAll { slot in (record.bytes(slot)?.count ?? 0) > 0 }
    }

    /// The operations made, in input order; called once, when deciding is over.
    func finishOperations() -> PlanOperations {
        operations.finish()
    }

    /// Rows per reason label, as `PlanSummary.byReason` holds them.
    var countsByReason: [String: PlanSummary.ReasonCounts] {
        var byReason: [String: PlanSummary.ReasonCounts] = [:]
        for (decision, counts) in zip(Self.reasons(ruleCount: policy.rules.count), reasonCounts) where counts.rows > 0 {
            byReason[policy.selection(for: decision).reason.label] = counts
        }
        return byReason
    }

    /// Enrollment among the users whose flag is on or will be on (selected, or kept on by
    /// `enable-only`), when the policy names `columns.enrolled`: a user has enrolled when the
    /// column is non-empty.
    var enrollment: PlanSummary.Enrollment? {
        guard let column = policy.columns.enrolled else { return nil }
        var enrollment = PlanSummary.Enrollment(column: column)
        for (decision, counts) in zip(Self.reasons(ruleCount: policy.rules.count), enrolledByReason)
        where counts.flagged > 0 {
            enrollment.byReason[policy.selection(for: decision).reason.label] = counts
            enrollment.total.flagged += counts.flagged
            enrollment.total.enrolled += counts.enrolled
        }
        for (tenth, counts) in enrolledByWave.enumerated() where counts.flagged > 0 {
            enrollment.byWave["\(tenth * 10)-\(tenth * 10 + 10)%"] = counts
        }
        return enrollment
    }

    /// Every kind of decision a plan counts, in the order `reasonIndex` numbers them: deny
    /// list, allow list, no rule matched, then for each rule matched and held back.
    static func reasons(ruleCount: Int) -> [Policy.Decision] {
        [.init(kind: .denyList), .init(kind: .allowList), .init(kind: .noRuleMatched)]
            + (0..<ruleCount).flatMap { rule in
                [Policy.Decision(kind: .rule, rule: rule), .init(kind: .heldBack, rule: rule)]
            }
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
