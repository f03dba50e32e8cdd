/// What a plan may change: a policy's mode, or the undo of an applied plan.
package enum PlanMode: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Only turns the flag on for selected users.
    case enableOnly = "enable-only"
    /// Also turns the flag off for users the policy no longer selects.
    case enforce
    /// Restores the values an applied plan replaced.
    case undo

    package init(_ mode: PolicyMode) {
        switch mode {
        case .enableOnly: self = .enableOnly
        case .enforce: self = .enforce
        }
    }

    package var description: String { rawValue }
}
