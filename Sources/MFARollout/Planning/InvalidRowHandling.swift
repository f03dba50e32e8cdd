/// What `plan` does with a row it cannot trust.
package enum InvalidRowHandling: String, Sendable, Hashable, CaseIterable {
    /// Stop at the first bad row: exit 1, no plan written. The default.
    case fail
    /// Set the row aside with its reason in the plan and report; never plan a change for it.
    case skip
}
