import Foundation

/// Why `apply` refuses to start: the plan is not exactly what was approved, or it needs an
/// explicit permission. Nothing is sent when one of these is thrown.
package enum ApplyRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// A guard tripped when the plan was made (`applicable: false`).
    case notApplicable(trippedGuards: [String])
    /// No `--approve`: nothing runs that a person did not approve.
    case notApproved(fingerprint: String)
    /// `--approve` is not a fingerprint, or too short a prefix of one.
    case invalidApproval(approved: String, reason: String)
    /// `--approve` names another fingerprint than the plan's.
    case fingerprintNotApproved(approved: String, actual: String)
    /// The plan names no tenant (made without `--tenant`).
    case noTenant
    /// `--domain` is not the tenant the plan was made for.
    case wrongTenant(planned: String, given: String)
    /// The plan is older than the allowed age.
    case stale(createdAt: Date, ageSeconds: Double, maxAgeSeconds: Double)
    /// The plan turns MFA off for some users and `--allow-disable` was not given.
    case disableNotAllowed(count: Int)
    /// The plan's flag is not in `app_metadata` or `user_metadata`, or its key is unusable.
    case unsupportedFlag(location: String, reason: String)

    package var description: String {
        switch self {
        case .notApplicable(let guards):
            let list = guards.isEmpty ? "" : ": " + guards.joined(separator: "; ")
            return
                "the plan is not applicable: a guard tripped when it was made\(list). Fix the policy or the export and plan again"
        case .notApproved(let fingerprint):
            return
                "nothing is approved: pass --approve with the plan's fingerprint (\(fingerprint)), or its first \(ApplyApproval.shortestPrefix) hex digits, as the approver quoted it from the report"
        case .invalidApproval(let approved, let reason):
            return "--approve \(approved): \(reason)"
        case .noTenant:
            return
                "the plan names no tenant: plan again with --tenant DOMAIN (or tenant: in the policy), so that it can be applied to that tenant only"
        case .wrongTenant(let planned, let given):
            return
                "the plan was made for tenant \(planned), not \(given): nothing was sent. Plan again for \(given) if that is the tenant you mean"
        case .fingerprintNotApproved(let approved, let actual):
            return
                "--approve \(approved) does not match the plan's fingerprint \(actual): this is not the plan that was approved"
        case .stale(let createdAt, let age, let maxAge):
            return
                "the plan was made \(ApplyRefusal.hours(age)) ago (\(createdAt.formatted(.iso8601))), more than the allowed \(ApplyRefusal.hours(maxAge)): plan again from a fresh export, or pass --allow-stale"
        case .disableNotAllowed(let count):
            return
                "the plan turns MFA off for \(count) user\(count == 1 ? "" : "s") (disable or unset): pass --allow-disable to carry that out"
        case .unsupportedFlag(let location, let reason):
            return "the plan's flag \(location) cannot be written: \(reason)"
        }
    }

    static func hours(_ seconds: Double) -> String {
        if seconds < 3600 { return "\(Int(seconds / 60)) min" }
        let hours = seconds / 3600
        return hours < 48 ? "\((hours * 10).rounded() / 10) h" : "\(Int(hours / 24)) days"
    }
}
