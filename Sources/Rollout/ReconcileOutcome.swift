/// How a reconcile run ended; the exit code and the `mfa_rollout_outcome` metric follow from it.
package enum ReconcileOutcome: String, Sendable, Codable, CaseIterable {
    /// The tenant matches the policy. Exit 0.
    case inSync = "in-sync"
    /// A plan with changes waits for approval (no `--auto-apply`). Exit 2.
    case changesPending = "changes-pending"
    /// A guard tripped: plan and reports written, nothing applied. Exit 3.
    case guardTripped = "guard-tripped"
    /// `--auto-apply`: every operation done. Exit 0.
    case applied
    /// `--auto-apply`: some operations failed. Exit 4.
    case applyFailed = "apply-failed"
    /// `--auto-apply`: the run stopped before every operation was attempted (signal, error
    /// budget, an error every request met). Exit 1.
    case applyStopped = "apply-stopped"
    /// The run failed before it could plan or apply (policy, export, API, disk). Exit 1.
    case error

    package var exitCode: Int32 {
        switch self {
        case .inSync, .applied: 0
        case .changesPending: 2
        case .guardTripped: 3
        case .applyFailed: 4
        case .applyStopped, .error: 1
        }
    }

    /// The run did its job: `mfa_rollout_last_success_timestamp_seconds` moves.
    package var isSuccess: Bool {
        self == .inSync || self == .changesPending || self == .applied
    }
}
