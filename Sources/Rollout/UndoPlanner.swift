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
    /// The undo plan, and how many done operations needed no undo (the value before already
    /// equalled the value written).
    ///
    /// When the plan has a source key (``FlagOwnership``), each undo operation also writes that
    /// key back to the value it had before (deleting it when it was absent), in the same PATCH.
    ///
    /// An operation that replaced a non-boolean value (the string `"true"`, …) is not undone:
    /// no PATCH of a boolean brings that value back, and the boolean is what the Action reads.
    /// The undo plan inherits the plan's tenant.
    /// The plan's operations are read one at a time, alongside the journal's done records
    /// (both in plan order).
    package static func makeUndoPlan(of source: some PlanOperationSource, journal: ApplyJournal, now: Date = Date())
        throws -> Plan
    {
        let plan = source.outline
        guard journal.fingerprint == plan.fingerprint else {
            throw JournalError.boundToAnotherPlan(
                path: journal.path, journalFingerprint: journal.fingerprint, planFingerprint: plan.fingerprint)
        }
        let done = try journal.records([.done])
        let cursor = try source.operationCursor()
        let operations = PlanOperations.Builder()
        var summary = PlanSummary()
        for record in done {
            try cursor.skip(to: record.index)
            guard let (index, original) = try cursor.next(), index == record.index else {
                throw JournalError.notAJournal(
                    path: journal.path, reason: "it records operation \(record.index), which the plan does not hold")
            }
            let before = record.valueBefore ?? original.current
            guard before != original.desired else { continue }
            guard let action = PlanAction(restoring: before) else { continue }
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
            operations.append(undo)
        }
        guard operations.count > 0 else { throw UndoError.nothingApplied(journal: journal.path) }
        return Plan(
            producer: .init(createdAt: now, asOf: now), tenant: plan.tenant, inputs: [], flag: plan.flag, mode: .undo,
            summary: summary,
            guards: [], operations: operations.finish(), rejected: [])
    }
}
