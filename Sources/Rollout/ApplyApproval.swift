import Foundation
import MFARollout
import ManagementAPI

/// The checks `apply` makes before it sends anything. (The plan's own fingerprint is already
/// verified when it was read.)
package enum ApplyApproval {
    /// The fewest hex digits of a fingerprint `--approve` accepts: 48 bits, so that no other
    /// plan a person could be shown matches by chance.
    package static let shortestPrefix = 12

    /// Throws the first reason not to apply `plan` to `tenant` (a domain as given to
    /// `--domain`) with `options` at `now`.
    package static func check(
        _ plan: some PlanOperationSource, tenant: String, options: ApplyOptions, now: Date = Date()
    )
        throws(ApplyRefusal)
    {
        guard plan.outline.applicable, plan.outline.outcome != .guardTripped,
            !plan.outline.guards.contains(where: \.tripped)
        else {
            throw .notApplicable(trippedGuards: plan.outline.guards.filter(\.tripped).map(\.explanation))
        }
        guard let approved = options.approvedFingerprint else {
            throw .notApproved(fingerprint: plan.outline.fingerprint)
        }
        try checkApproval(approved, of: plan.outline.fingerprint)
        try checkTenant(plan, target: tenant)
        let age = now.timeIntervalSince(plan.outline.producer.createdAt)
        if age > options.maxAge, !options.allowStale {
            throw .stale(createdAt: plan.outline.producer.createdAt, ageSeconds: age, maxAgeSeconds: options.maxAge)
        }
        _ = try flagPatchTarget(plan)
        let turningOff = plan.operationsTurningMFAOff
        if turningOff > 0, !options.allowDisable {
            throw .disableNotAllowed(count: turningOff)
        }
    }

    /// Refuses a plan without a tenant, and `target` when it is not the plan's tenant.
    package static func checkTenant(_ plan: some PlanOperationSource, target: String) throws(ApplyRefusal) {
        guard let planned = plan.outline.tenant else { throw .noTenant }
        let canonical: String
        do {
            canonical = try TenantDomain(target).canonical
        } catch {
            throw .wrongTenant(planned: planned, given: target)
        }
        guard canonical == planned else { throw .wrongTenant(planned: planned, given: target) }
    }

    /// `approved` names `fingerprint`: the whole of it, or its first `shortestPrefix` or more
    /// hex digits, with or without `sha256:`, in any case.
    package static func checkApproval(_ approved: String, of fingerprint: String) throws(ApplyRefusal) {
        var digits = Substring(approved.trimmingCharacters(in: .whitespaces).lowercased())
        if digits.hasPrefix("sha256:") { digits = digits.dropFirst(7) }
        guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else {
            throw .invalidApproval(approved: approved, reason: "it is not a fingerprint (sha256: and hex digits)")
        }
        guard digits.count >= shortestPrefix else {
            throw .invalidApproval(
                approved: approved, reason: "give at least its first \(shortestPrefix) hex digits, or all of it")
        }
        let actual = fingerprint.dropFirst("sha256:".count)
        guard digits.count <= actual.count, actual.hasPrefix(digits) else {
            throw .fingerprintNotApproved(approved: approved, actual: fingerprint)
        }
    }

    /// The metadata container and key the plan's operations write.
    package static func flagPatchTarget(_ plan: some PlanOperationSource) throws(ApplyRefusal) -> (
        container: MetadataContainer, key: String
    ) {
        guard let container = MetadataContainer(rawValue: plan.outline.flag.container) else {
            throw .unsupportedFlag(
                location: plan.outline.flag.location, reason: "the container must be app_metadata or user_metadata")
        }
        do {
            _ = try OperationPatch.make(
                desired: .on, source: plan.outline.flag.source.map { SourceChange(current: nil, desired: $0.value) },
                flag: plan.outline.flag)
        } catch {
            throw .unsupportedFlag(location: plan.outline.flag.location, reason: "\(error)")
        }
        return (container, plan.outline.flag.key)
    }
}
