import Foundation
import MFARollout
import ManagementAPI

/// The checks `apply` makes before it sends anything. (The plan's own fingerprint is already
/// verified by `PlanFile.read`.)
public enum ApplyApproval {
    /// Throws the first reason not to apply `plan` with `options` at `now`.
    public static func check(_ plan: Plan, options: ApplyOptions, now: Date = Date()) throws(ApplyRefusal) {
        guard plan.applicable, plan.outcome != .guardTripped, !plan.guards.contains(where: \.tripped) else {
            throw .notApplicable(trippedGuards: plan.guards.filter(\.tripped).map(\.explanation))
        }
        if let approved = options.approvedFingerprint, normalize(approved) != normalize(plan.fingerprint) {
            throw .fingerprintNotApproved(approved: approved, actual: plan.fingerprint)
        }
        let age = now.timeIntervalSince(plan.producer.createdAt)
        if age > options.maxAge, !options.allowStale {
            throw .stale(createdAt: plan.producer.createdAt, ageSeconds: age, maxAgeSeconds: options.maxAge)
        }
        _ = try flagPatchTarget(plan)
        let turningOff = plan.operations.count { $0.action.turnsMFAOff }
        if turningOff > 0, !options.allowDisable {
            throw .disableNotAllowed(count: turningOff)
        }
    }

    /// The metadata container and key the plan's operations write.
    public static func flagPatchTarget(_ plan: Plan) throws(ApplyRefusal) -> (container: MetadataContainer, key: String) {
        guard let container = MetadataContainer(rawValue: plan.flag.container) else {
            throw .unsupportedFlag(location: plan.flag.location, reason: "the container must be app_metadata or user_metadata")
        }
        do {
            _ = try FlagPatch(container: container, key: plan.flag.key, value: true)
        } catch {
            throw .unsupportedFlag(location: plan.flag.location, reason: "\(error)")
        }
        return (container, plan.flag.key)
    }

    /// `sha256:ABC…` and `abc…` name the same fingerprint; nothing shorter is accepted.
    static func normalize(_ fingerprint: String) -> String {
        let trimmed = fingerprint.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.hasPrefix("sha256:") ? trimmed : "sha256:" + trimmed
    }
}
