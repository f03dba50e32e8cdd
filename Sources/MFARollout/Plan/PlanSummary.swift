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
    /// Users not selected whose flag is on (or holds a non-boolean) but was not set by the
    /// rollout (no source marker), which `enforce` with `disable: owned-only` leaves as they are.
    package var keptUnowned: Int = 0
    /// The first of those users, for the reports (at most ``keptSampleLimit``).
    package var keptUnownedSample: [KeptFlag] = []
    /// What a reviewer should know about the inputs: columns empty in every row, a missing
    /// source column, the ownership default. In the order found.
    package var warnings: [String] = []
    /// With a membership file: selected users per role and organization (`role admin`,
    /// `organization acme`), every group of the file, zero counts included.
    package var byMembership: [String: Int] = [:]

    /// How many kept users a plan lists by name.
    package static let keptSampleLimit = 100

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

    /// A user whose flag is on but was set outside the rollout, and is kept.
    package struct KeptFlag: Sendable, Hashable, Codable {
        package var userID: String
        package var email: String?
        /// The flag's value: `true`, or `other` for a non-boolean.
        package var current: FlagValue
        package var file: String
        package var line: Int

        package init(userID: String, email: String?, current: FlagValue, file: String, line: Int) {
            self.userID = userID
            self.email = email
            self.current = current
            self.file = file
            self.line = line
        }

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
            case email, current, file, line
        }
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
        case rows, selected, enable, disable, unchanged, rejected, normalise, warnings
        case normaliseFrom = "normalise_from"
        case keptByEnableOnly = "kept_by_enable_only"
        case byReason = "by_reason"
        case keptUnowned = "kept_unowned"
        case keptUnownedSample = "kept_unowned_sample"
        case byMembership = "by_membership"
    }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        rows = try values.decode(Int.self, forKey: .rows)
        selected = try values.decode(Int.self, forKey: .selected)
        enable = try values.decode(Int.self, forKey: .enable)
        disable = try values.decode(Int.self, forKey: .disable)
        unchanged = try values.decode(Int.self, forKey: .unchanged)
        keptByEnableOnly = try values.decode(Int.self, forKey: .keptByEnableOnly)
        rejected = try values.decode(Int.self, forKey: .rejected)
        normalise = try values.decode(Int.self, forKey: .normalise)
        normaliseFrom = try values.decode([String: Int].self, forKey: .normaliseFrom)
        byReason = try values.decode([String: ReasonCounts].self, forKey: .byReason)
        // Absent from plans made before flags had owners.
        keptUnowned = try values.decodeIfPresent(Int.self, forKey: .keptUnowned) ?? 0
        keptUnownedSample = try values.decodeIfPresent([KeptFlag].self, forKey: .keptUnownedSample) ?? []
        warnings = try values.decodeIfPresent([String].self, forKey: .warnings) ?? []
        byMembership = try values.decodeIfPresent([String: Int].self, forKey: .byMembership) ?? [:]
        enrollment = try values.decodeIfPresent(Enrollment.self, forKey: .enrollment)
    }
}
