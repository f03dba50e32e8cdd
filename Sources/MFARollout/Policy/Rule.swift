/// One entry of `rules:`; the first rule whose condition holds selects the user.
public struct Rule: Sendable {
    /// Unique, `[A-Za-z0-9_.-]+`.
    public var name: String
    public var description: String?
    /// This rule's own rollout percentage (0...100), overriding the global one.
    public var rollout: Double?
    /// The `when:` condition as written.
    public var condition: Condition
    /// The condition compiled to column indices of `Policy.columnsNeeded`.
    let compiled: CompiledCondition
}
