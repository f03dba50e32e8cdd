import Foundation

/// Everything a plan is computed from.
package struct PlanRequest: Sendable {
    package var sources: [ExportSource]
    package var policy: Policy
    package var onInvalid: InvalidRowHandling
    /// The tenant the plan is for, canonical (``TenantDomain``); nil: the plan cannot be applied.
    package var tenant: String?
    /// The moment date conditions (`within_days`) are evaluated at.
    package var asOf: Date
    package var createdAt: Date

    package init(
        sources: [ExportSource], policy: Policy, onInvalid: InvalidRowHandling = .fail, tenant: String? = nil,
        asOf: Date = Date(), createdAt: Date = Date()
    ) {
        self.sources = sources
        self.policy = policy
        self.onInvalid = onInvalid
        self.tenant = tenant
        self.asOf = asOf
        self.createdAt = createdAt
    }
}
