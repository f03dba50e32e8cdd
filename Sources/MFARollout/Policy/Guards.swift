/// Limits that stop a plan before it changes too much. Every limit is optional.
package struct Guards: Sendable, Hashable, Codable {
    /// At most this many changes in one plan.
    package var maxChanges: Int?
    /// At most this share of the rows (0...100) may change.
    package var maxChangePercent: Double?
    /// The export must have at least this many rows (a truncated export is not a tenant).
    /// A policy that does not set it gets `defaultMinRows`.
    package var minRows: Int?

    /// `min_rows` for a policy that does not set it: an export without a single user is a
    /// failed export, not a tenant whose users all left.
    package static let defaultMinRows = 1

    package init(maxChanges: Int? = nil, maxChangePercent: Double? = nil, minRows: Int? = nil) {
        self.maxChanges = maxChanges
        self.maxChangePercent = maxChangePercent
        self.minRows = minRows
    }
}
