import Foundation
import MFARollout

/// Why no undo plan could be made.
package enum UndoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The journal records no operation of the plan as done.
    case nothingApplied(journal: String)

    package var description: String {
        switch self {
        case .nothingApplied(let journal):
            "\(journal): no operation of this plan is done, so there is nothing to undo"
        }
    }
}

/// Builds the plan that reverses an applied plan.
///
/// The undo plan is an ordinary plan (own fingerprint, applied with `apply`): for every
/// operation the journal records as `done`, one operation that restores the value it had
/// before: `enable` for `true`, `disable` for `false`, `unset` (PATCH `null`, the key
/// deleted) for a flag that was absent. Operations that are not done are left out: they
/// changed nothing.
package enum UndoPlanner {
    /// The undo plan, in memory (for small plans and tests; `undo` writes it with
    /// ``writeUndoPlan(of:journal:to:now:)``, which never holds it whole).
    ///
    /// When the plan has a source key (``FlagOwnership``), each undo operation also writes that
    /// key back to the value it had before (deleting it when it was absent), in the same PATCH.
    ///
    /// An operation that replaced a non-boolean value (the string `"true"`, …) is not undone:
    /// no PATCH of a boolean brings that value back, and the boolean is what the Action reads.
    /// The undo plan inherits the plan's tenant.
    package static func makeUndoPlan(of source: some PlanOperationSource, journal: ApplyJournal, now: Date = Date())
        throws -> Plan
    {
        let operations = PlanOperations.Builder()
        let summary = try undoOperations(of: source, journal: journal) { operations.append($0) }
        guard operations.count > 0 else { throw UndoError.nothingApplied(journal: journal.path) }
        return Plan(
            producer: .init(createdAt: now, asOf: now), tenant: source.outline.tenant, inputs: [],
            flag: source.outline.flag, mode: .undo, summary: summary, guards: [], operations: operations.finish(),
            rejected: [])
    }

    /// Writes the undo plan to `path` as it is made, one operation at a time, and returns its
    /// outline: neither the plan nor the journal's records are ever all in memory. The file is
    /// byte for byte the one ``makeUndoPlan(of:journal:now:)`` would make; nothing is written at
    /// `path` when there is nothing to undo.
    package static func writeUndoPlan(
        of source: some PlanOperationSource, journal: ApplyJournal, to path: String, now: Date = Date()
    ) throws -> PlanOutline {
        let heading = PlanHeading(
            tenant: source.outline.tenant, producer: .init(createdAt: now, asOf: now), flag: source.outline.flag,
            mode: .undo)
        let writer = try PlanFile.Writer(path: path, heading: heading)
        let summary: PlanSummary
        do {
            summary = try undoOperations(of: source, journal: journal) { writer.append($0) }
            guard summary.changes > 0 else { throw UndoError.nothingApplied(journal: journal.path) }
        } catch {
            writer.abandon()
            throw error
        }
        return try writer.finish(
            PlanOutline(
                heading: heading, inputs: [], summary: summary, guards: [], operationCount: summary.changes,
                rejected: []))
    }

    /// Hands `append` the undo operation of every done operation that needs one, in plan order,
    /// and returns their summary. The plan's operations are read one at a time, alongside the
    /// journal's done records (both in plan order).
    private static func undoOperations(
        of source: some PlanOperationSource, journal: ApplyJournal, append: (PlanOperation) -> Void
    ) throws -> PlanSummary {
        let plan = source.outline
        guard journal.fingerprint == plan.fingerprint else {
            throw JournalError.boundToAnotherPlan(
                path: journal.path, journalFingerprint: journal.fingerprint, planFingerprint: plan.fingerprint)
        }
        let cursor = try source.operationCursor()
        var summary = PlanSummary()
        try journal.forEachRecord([.done]) { record in
            try cursor.skip(to: record.index)
            guard let (index, original) = try cursor.next(), index == record.index else {
                throw JournalError.notAJournal(
                    path: journal.path, reason: "it records operation \(record.index), which the plan does not hold")
            }
            let before = record.valueBefore ?? original.current
            guard before != original.desired else { return }
            guard let action = PlanAction(restoring: before) else { return }
            summary.rows += 1
            let reason = "undo of \(original.id) (\(original.reason))"
            switch action {
            case .enable: summary.enable += 1
            case .disable, .unset: summary.disable += 1
            }
            summary.byReason["undo", default: .init()].rows += 1
            if action == .enable {
                summary.byReason["undo"]!.enable += 1
            } else {
                summary.byReason["undo"]!.disable += 1
            }
            var undo = PlanOperation(
                id: OperationID.make(flagLocation: plan.flag.location, userID: original.userID, action: action),
                userID: original.userID, action: action, current: original.desired, reason: reason,
                email: original.email, connection: original.connection, file: original.file, line: original.line)
            // The source key goes back to what it was too, in the same PATCH.
            undo.source = original.source.map { SourceChange(current: $0.desired, desired: $0.current) }
            append(undo)
        }
        return summary
    }
}
