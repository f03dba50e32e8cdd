/// The policy's answer for one user.
package struct Selection: Sendable, Hashable {
    /// Whether the user should have the flag set.
    package var selected: Bool
    /// Why.
    package var reason: SelectionReason

    package init(selected: Bool, reason: SelectionReason) {
        self.selected = selected
        self.reason = reason
    }
}

/// Why a user is or is not selected.
package enum SelectionReason: Sendable, Hashable, Codable {
    /// The user id or email is on the deny list (deny always wins).
    case denyList
    /// The user id or email is on the allow list (bypasses rules and rollout).
    case allowList
    /// The named rule matched and no rollout held the user back.
    case rule(String)
    /// The named rule matched but the user's bucket is not below the rollout percentage.
    case heldBackByRollout(rule: String, bucket: Double, percentage: Double)
    /// No rule matched.
    case noRuleMatched

    /// Stable short text for reports: `deny list`, `allow list`, `rule staff`,
    /// `rule staff (held back by 25% rollout)`, `no rule matched`.
    package var label: String {
        switch self {
        case .denyList: "deny list"
        case .allowList: "allow list"
        case .rule(let name): "rule \(name)"
        case .heldBackByRollout(let rule, _, let percentage):
            "rule \(rule) (held back by \(Self.format(percentage))% rollout)"
        case .noRuleMatched: "no rule matched"
        }
    }

    /// `25` for 25.0, `12.5` for 12.5.
    static func format(_ percentage: Double) -> String {
        if percentage.rounded() == percentage, abs(percentage) < 1e15 {
            return String(Int64(percentage))
        }
        return String(percentage)
    }
}
