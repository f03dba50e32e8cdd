/// What a plan amounts to, and the exit code `plan` reports it with
/// (like `terraform plan -detailed-exitcode`).
package enum PlanOutcome: String, Sendable, Hashable, Codable {
    /// The tenant already matches the policy. Exit 0.
    case noChanges = "no-changes"
    /// There are operations to approve and apply. Exit 2.
    case changes
    /// A guard tripped: the plan is written for review but cannot be applied. Exit 3.
    case guardTripped = "guard-tripped"

    package var exitCode: Int32 {
        switch self {
        case .noChanges: 0
        case .changes: 2
        case .guardTripped: 3
        }
    }
}
