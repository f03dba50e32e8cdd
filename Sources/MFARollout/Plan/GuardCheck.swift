/// One guard of the policy and how this plan measured against it.
package struct GuardCheck: Sendable, Hashable, Codable {
    package enum Kind: String, Sendable, Hashable, Codable {
        /// More operations than `max_changes`.
        case maxChanges = "max_changes"
        /// Operations as a share of the rows read above `max_change_percent`.
        case maxChangePercent = "max_change_percent"
        /// Fewer rows than `min_rows`: a truncated export must not look like "everyone left".
        case minRows = "min_rows"
    }

    package var kind: Kind
    package var limit: Double
    package var actual: Double
    package var tripped: Bool

    package init(kind: Kind, limit: Double, actual: Double) {
        self.kind = kind
        self.limit = limit
        self.actual = actual
        switch kind {
        case .maxChanges, .maxChangePercent: tripped = actual > limit
        case .minRows: tripped = actual < limit
        }
    }

    /// A sentence for reports: `changes 412 ≤ max_changes 500: holds`.
    package var explanation: String {
        let verdict = tripped ? "TRIPPED" : "holds"
        switch kind {
        case .maxChanges:
            return "\(Self.format(actual)) changes, limit \(Self.format(limit)) (max_changes): \(verdict)"
        case .maxChangePercent:
            return
                "\(Self.format(actual))% of rows change, limit \(Self.format(limit))% (max_change_percent): \(verdict)"
        case .minRows:
            return "\(Self.format(actual)) rows read, at least \(Self.format(limit)) required (min_rows): \(verdict)"
        }
    }

    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String((value * 100).rounded() / 100)
    }
}
