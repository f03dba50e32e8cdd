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

    /// Enrollment among the users whose flag is on or will be on after the plan; nil when the
    /// policy names no `columns.enrolled`.
    package var enrollment: Enrollment? = nil

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

    /// How many users with the flag on (now or after the plan) have enrolled a factor.
    package struct EnrollmentCounts: Sendable, Hashable, Codable {
        /// Users whose flag is on, or will be on after the plan.
        package var flagged: Int = 0
        /// Of those, the ones whose export shows an enrolled factor.
        package var enrolled: Int = 0
        package init(flagged: Int = 0, enrolled: Int = 0) {
            self.flagged = flagged
            self.enrolled = enrolled
        }

        /// `enrolled` of `flagged`, 0 when nobody is flagged.
        package var share: Double { flagged > 0 ? Double(enrolled) / Double(flagged) : 0 }
    }

    /// Enrollment progress: in total, by reason label (rule, allow list, …), and by rollout
    /// wave (the tenth of the rollout bucket a user was selected in: `0-10%`, `10-20%`, …;
    /// a user in the first tenth stays in as the percentage grows).
    package struct Enrollment: Sendable, Hashable, Codable {
        /// The export column read (`multifactor[0]`).
        package var column: String
        package var total: EnrollmentCounts = .init()
        package var byReason: [String: EnrollmentCounts] = [:]
        package var byWave: [String: EnrollmentCounts] = [:]

        package init(column: String) {
            self.column = column
        }

        /// `byWave` in bucket order.
        package var waves: [(wave: String, counts: EnrollmentCounts)] {
            byWave.sorted { (Int($0.key.prefix { $0.isNumber }) ?? 0) < (Int($1.key.prefix { $0.isNumber }) ?? 0) }
                .map { ($0.key, $0.value) }
        }

        enum CodingKeys: String, CodingKey {
            case column, total
            case byReason = "by_reason"
            case byWave = "by_wave"
        }
    }

    enum CodingKeys: String, CodingKey {
        case enrollment
        case rows, selected, enable, disable, unchanged, rejected, normalise
        case normaliseFrom = "normalise_from"
        case keptByEnableOnly = "kept_by_enable_only"
        case byReason = "by_reason"
    }
}
