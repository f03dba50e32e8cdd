/// Where a policy's `role:` and `organization:` conditions find their users.
package enum PolicyMembership: Sendable {
    /// No membership file: a policy that tests a role or organization is an error.
    case none
    /// The file `plan --members` names.
    case file(MembershipFile)
    /// Only note the names the policy tests (``Policy/membershipNames``), for `reconcile` to
    /// fetch; such conditions then match nobody, and the policy is loaded again with the file.
    case collecting
}

/// `role: NAME | [NAMES]` and `organization: NAME | [NAMES]`: a condition on who the user is,
/// compiled to a test of the user id column against the members of those groups.
extension ConditionCompiler {
    static let membershipKeys = ["role", "organization"]

    mutating func compileMembership(
        _ entry: (key: String, keyNode: PolicyNode, value: PolicyNode),
        entries: [(key: String, keyNode: PolicyNode, value: PolicyNode)],
        node: PolicyNode
    ) throws(PolicyError) -> (Condition, CompiledCondition) {
        if let other = entries.first(where: { $0.key != entry.key }) {
            throw PolicyError(
                file: node.file, keyPath: node.path, line: other.keyNode.line, column: other.keyNode.column,
                message:
                    "'\(entry.key)' cannot share a condition with '\(other.key)'; put each condition in its own list entry under all: or any:"
            )
        }
        let kind = MembershipKind(rawValue: entry.key)!
        var names: [(name: String, node: PolicyNode)] = []
        if case .sequence = entry.value.node {
            for item in try entry.value.sequence(nonEmpty: true) { names.append((try item.string(), item)) }
        } else {
            names = [(try entry.value.string(), entry.value)]
        }
        for (name, _) in names where !(membershipNames[kind]?.contains(name) ?? false) {
            membershipNames[kind, default: []].append(name)
        }
        let userIDSlot = registry.number(of: userIDColumn)
        let written = Condition.membership(kind, names.map { $0.name })
        switch membership {
        case .none:
            throw entry.value.error(
                "a '\(entry.key)' condition needs the membership file: give plan --members FILE (made by mfa-rollout members --\(entry.key) NAME)"
            )
        case .collecting:
            return (written, .test(column: userIDSlot, .oneOf([])))
        case .file(let file):
            var users: Set<String> = []
            for (name, nameNode) in names {
                guard let members = file.users(of: .init(kind: kind, name: name)) else {
                    let known = file.names(kind)
                    var message = "\(kind.rawValue) '\(name)' is not in the membership file \(file.path)"
                    message +=
                        known.isEmpty
                        ? " (it names no \(kind.rawValue); fetch it with mfa-rollout members --\(kind.rawValue) \(name))"
                        : " (its \(kind.rawValue)s: \(known.joined(separator: ", ")))"
                    if let suggestion = PolicyNode.closest(to: name, in: known) {
                        message += "; did you mean '\(suggestion)'?"
                    }
                    throw nameNode.error(message)
                }
                users.formUnion(members)
            }
            return (written, .test(column: userIDSlot, .oneOf(users)))
        }
    }
}
