/// The counts a reviewer reads first.
package struct PlanSummary: Sendable, Hashable, Codable {
    /// Data rows read from all exports, rejected rows included.
    package var rows: Int = 0
    /// Rows the policy selected for MFA.
    package var selected: Int = 0
    package var enable: Int = 0
    package var disable: Int = 0
    /// Rows whose flag already has the desired value, or that `enable-only` leaves as they are.
    package var unchanged: Int = 0
    /// Users that are not selected but keep MFA on because the mode is `enable-only`.
    package var keptByEnableOnly: Int = 0
    /// Rows rejected with `--on-invalid skip`; never planned.
    package var rejected: Int = 0
    /// Operations that write a boolean over a flag that holds something else (the string
    /// `"true"`, the number `1`, …): counted in `enable`/`disable` too.
    package var normalise: Int = 0
    /// Those operations by the value they replace (``FlagValue/describeOther(_:isString:)``).
    package var normaliseFrom: [String: Int] = [:]
    /// Per reason label: how many rows it decided, and how many of those change.
    package var byReason: [String: ReasonCounts] = [:]

    package init() {}

    /// Operations in the plan.
    package var changes: Int { enable + disable }

    /// `normaliseFrom` as report lines, most frequent first: `string "true"` and its count.
    package var normaliseLines: [(from: String, count: Int)] {
        normaliseFrom.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
    }

    package struct ReasonCounts: Sendable, Hashable, Codable {
        package var rows: Int = 0
        package var enable: Int = 0
        package var disable: Int = 0
        package init() {}
    }

    enum CodingKeys: String, CodingKey {
        case rows, selected, enable, disable, unchanged, rejected, normalise
        case normaliseFrom = "normalise_from"
        case keptByEnableOnly = "kept_by_enable_only"
        case byReason = "by_reason"
    }
}
