import MFARollout

/// Why an apply journal could not be opened, trusted or written.
package enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The journal records a different plan (another fingerprint).
    case boundToAnotherPlan(path: String, journalFingerprint: String, planFingerprint: String)
    /// The journal records the plan applied to another tenant.
    case boundToAnotherTenant(path: String, journalTenant: String, tenant: String)
    /// No journal at `path` (status or undo before any apply).
    case notFound(path: String)
    /// The file is not an mfa-rollout journal, or it is damaged.
    case notAJournal(path: String, reason: String)
    /// Another `apply` of the same journal is running (its lock file is held, by `holder`).
    case inUse(path: String, by: RunLock.Holder)
    /// SQLite refused an operation.
    case database(path: String, reason: String)

    package var description: String {
        switch self {
        case .boundToAnotherPlan(let path, let journalFingerprint, let planFingerprint):
            "\(path): this journal belongs to plan \(journalFingerprint), not to \(planFingerprint); give another --journal file for this plan"
        case .boundToAnotherTenant(let path, let journalTenant, let tenant):
            "\(path): this journal records the plan applied to tenant \(journalTenant), not \(tenant); nothing was sent"
        case .notFound(let path):
            "\(path): no journal here: the plan has not been applied (or give --journal FILE)"
        case .notAJournal(let path, let reason):
            "\(path): not an mfa-rollout journal: \(reason)"
        case .inUse(let path, let holder):
            "\(path): another apply of this plan is running (\(holder)); wait for it, or stop it first"
        case .database(let path, let reason):
            "\(path): journal database error: \(reason)"
        }
    }
}
