/// The policy's global `rollout:` section.
package struct RolloutSettings: Sendable, Hashable, Codable {
    /// Share of matched users to select, 0...100; nil: rules without their own `rollout` select everyone they match.
    package var percentage: Double?
    /// Salt of the bucket hash. Change it and every user gets a new bucket.
    package var salt: String

    package init(percentage: Double?, salt: String) {
        self.percentage = percentage
        self.salt = salt
    }
}
