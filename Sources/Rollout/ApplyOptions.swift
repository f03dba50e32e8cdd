import Foundation

/// How `apply` carries out a plan.
package struct ApplyOptions: Sendable {
    /// The fingerprint a person approved (`--approve`): the whole of it, or a prefix of at
    /// least ``ApplyApproval/shortestPrefix`` hex digits. Nil: nothing is approved, and
    /// `apply` refuses.
    package var approvedFingerprint: String?
    /// A plan older than this (from `producer.created_at`) needs ``allowStale``. Default 24 h.
    package var maxAge: TimeInterval
    package var allowStale: Bool
    /// `disable` and `unset` operations are carried out only with this.
    package var allowDisable: Bool
    /// GET each user first and skip the operation when the flag no longer has the plan's `current`.
    package var verifyCurrent: Bool
    /// Stop cleanly once more than this many operations failed in this run; nil: no budget.
    package var maxFailures: Int?
    /// Workers (requests in flight at most).
    package var concurrency: Int
    /// `--enroll`: create an MFA enrollment ticket for each user whose flag a run turns on;
    /// nil: no tickets.
    package var enroll: EnrollmentOptions?

    package static let defaultMaxAge: TimeInterval = 24 * 3600

    package init(
        approvedFingerprint: String? = nil, maxAge: TimeInterval = ApplyOptions.defaultMaxAge, allowStale: Bool = false,
        allowDisable: Bool = false, verifyCurrent: Bool = false, maxFailures: Int? = nil,
        concurrency: Int = ConnectionSettings.defaultConcurrency,
        enroll: EnrollmentOptions? = nil
    ) {
        self.approvedFingerprint = approvedFingerprint
        self.maxAge = maxAge
        self.allowStale = allowStale
        self.allowDisable = allowDisable
        self.verifyCurrent = verifyCurrent
        self.maxFailures = maxFailures
        self.concurrency = max(1, concurrency)
        self.enroll = enroll
    }
}
