/// What a row of a membership file says a user has: a role, or membership of an organization.
package enum MembershipKind: String, Sendable, Hashable, Codable, CaseIterable {
    case role
    case organization
}
