/// A rule's `when:` condition, as written in the policy (for display and reports).
/// Evaluation uses a compiled form (`CompiledCondition`) built at load time.
package indirect enum Condition: Sendable, Hashable, CustomStringConvertible {
    /// Every sub-condition holds (at least one is required).
    case all([Condition])
    /// At least one sub-condition holds (at least one is required).
    case any([Condition])
    /// The sub-condition does not hold.
    case not(Condition)
    /// A test of one column's value.
    case test(column: String, ColumnOperator)
    /// The user holds one of these roles, or belongs to one of these organizations (per the
    /// membership file).
    case membership(MembershipKind, [String])

    /// A compact one-line rendering, e.g. `all(email domain [corp.com], logins_count gt 5)`.
    package var description: String {
        switch self {
        case .all(let cs): "all(" + cs.map(\.description).joined(separator: ", ") + ")"
        case .any(let cs): "any(" + cs.map(\.description).joined(separator: ", ") + ")"
        case .not(let c): "not(\(c))"
        case .test(let column, let op): "\(column) \(op)"
        case .membership(let kind, let names): "\(kind.rawValue) in [\(names.joined(separator: ", "))]"
        }
    }
}

/// The operator of a column test, with its operand as written.
package enum ColumnOperator: Sendable, Hashable, CustomStringConvertible {
    case equals(String)
    case oneOf([String])
    case matches(String)
    case glob(String)
    case domain([String])
    case exists(Bool)
    case empty(Bool)
    case gt(Double)
    case gte(Double)
    case lt(Double)
    case lte(Double)
    case eq(Double)
    case withinDays(Double)
    case before(String)
    case after(String)
    case `is`(Bool)

    /// The policy key of this operator (`one_of`, `within_days`, ...).
    package var key: String {
        switch self {
        case .equals: "equals"
        case .oneOf: "one_of"
        case .matches: "matches"
        case .glob: "glob"
        case .domain: "domain"
        case .exists: "exists"
        case .empty: "empty"
        case .gt: "gt"
        case .gte: "gte"
        case .lt: "lt"
        case .lte: "lte"
        case .eq: "eq"
        case .withinDays: "within_days"
        case .before: "before"
        case .after: "after"
        case .is: "is"
        }
    }

    /// Every operator key, in documentation order.
    package static let keys = [
        "equals", "one_of", "matches", "glob", "domain", "exists", "empty",
        "gt", "gte", "lt", "lte", "eq", "within_days", "before", "after", "is",
    ]

    package var description: String {
        let operand: String
        switch self {
        case .equals(let v), .matches(let v), .glob(let v), .before(let v), .after(let v): operand = quoted(v)
        case .oneOf(let vs), .domain(let vs): operand = "[" + vs.map(quoted).joined(separator: ", ") + "]"
        case .exists(let b), .empty(let b), .is(let b): operand = String(b)
        case .gt(let d), .gte(let d), .lt(let d), .lte(let d), .eq(let d), .withinDays(let d):
            operand = SelectionReason.format(d)
        }
        return "\(key) \(operand)"
    }

    private func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
