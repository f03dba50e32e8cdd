/// What a plan file holds before its operations: everything known before the first row is
/// read. The plan file is written in one pass, so these come first and what is known only at
/// the end (inputs' digests, counts, guards, outcome) after the operations.
public struct PlanHeading: Sendable, Hashable {
    public var tenant: String?
    public var producer: Plan.Producer
    public var flag: Plan.FlagTarget
    /// `enable-only`, `enforce` or `undo`.
    public var mode: String

    public init(tenant: String?, producer: Plan.Producer, flag: Plan.FlagTarget, mode: String) {
        self.tenant = tenant
        self.producer = producer
        self.flag = flag
        self.mode = mode
    }
}
