/// What a plan may change.
package enum PolicyMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Only turn the flag on for selected users; never turn it off. The default.
    case enableOnly = "enable-only"
    /// Also turn the flag off for users the policy no longer selects.
    case enforce = "enforce"
}
