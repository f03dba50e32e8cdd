/// The counts a reviewer reads first.
public struct PlanSummary: Sendable, Hashable, Codable {
    /// Data rows read from all exports, rejected rows included.
    public var rows: Int = 0
    /// Rows the policy selected for MFA.
    public var selected: Int = 0
    public var enable: Int = 0
    public var disable: Int = 0
    /// Rows whose flag already has the desired value, or that `enable-only` leaves as they are.
    public var unchanged: Int = 0
    /// Users that are not selected but keep MFA on because the mode is `enable-only`.
    public var keptByEnableOnly: Int = 0
    /// Rows rejected with `--on-invalid skip`; never planned.
    public var rejected: Int = 0
    /// Operations that write a boolean over a flag that holds something else (the string
    /// `"true"`, the number `1`, …): counted in `enable`/`disable` too.
    public var normalise: Int = 0
    /// Those operations by the value they replace (``FlagValue/describeOther(_:isString:)``).
    public var normaliseFrom: [String: Int] = [:]
    /// Per reason label: how many rows it decided, and how many of those change.
    public var byReason: [String: ReasonCounts] = [:]

    public init() {}

    /// Operations in the plan.
    public var changes: Int { enable + disable }

    /// `normaliseFrom` as report lines, most frequent first: `string "true"` and its count.
    public var normaliseLines: [(from: String, count: Int)] {
        normaliseFrom.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
    }

    public struct ReasonCounts: Sendable, Hashable, Codable {
        public var rows: Int = 0
        public var enable: Int = 0
        public var disable: Int = 0
        public init() {}
    }

    enum CodingKeys: String, CodingKey {
        case rows, selected, enable, disable, unchanged, rejected, normalise
        case normaliseFrom = "normalise_from"
        case keptByEnableOnly = "kept_by_enable_only"
        case byReason = "by_reason"
    }
}
