/// One entry of `rules:`; the first rule whose condition holds selects the user.
package struct Rule: Sendable {
    /// Unique, `[A-Za-z0-9_.-]+`.
    package var name: String
    package var description: String?
    /// This rule's own rollout percentage (0...100), overriding the global one.
    package var rollout: Double?
    /// The `when:` condition as written.
    package var condition: Condition
    /// The condition compiled to column indices of `Policy.columnsNeeded`.
    let compiled: CompiledCondition
}
