/// What a plan file holds before its operations: everything known before the first row is
/// read. The plan file is written in one pass, so these come first and what is known only at
/// the end (inputs' digests, counts, guards, outcome) after the operations.
package struct PlanHeading: Sendable, Hashable {
    package var tenant: String?
    package var producer: Plan.Producer
    package var flag: Plan.FlagTarget
    /// `enable-only`, `enforce` or `undo`.
    package var mode: PlanMode

    package init(tenant: String?, producer: Plan.Producer, flag: Plan.FlagTarget, mode: PlanMode) {
        self.tenant = tenant
        self.producer = producer
        self.flag = flag
        self.mode = mode
    }
}
