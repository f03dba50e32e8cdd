/// Decodes a `when:` condition and compiles it, registering every column it reads.
struct ConditionCompiler {
    var registry: NumberedNames
    var references: [Policy.ColumnReference]
    /// Where `role:` and `organization:` find their users, and the names they used so far.
    var membership: PolicyMembership = .none
    var membershipNames: [MembershipKind: [String]] = [:]
    var userIDColumn: String = ColumnMap.default.userID

    static let combinatorKeys = ["all", "any", "not"]
    static let allKeys = combinatorKeys + ["column"] + ColumnOperator.keys + membershipKeys

    mutating func compile(_ node: PolicyNode) throws(PolicyError) -> (Condition, CompiledCondition) {
        let entries = try node.mapping(allowed: Self.allKeys)
        guard let first = entries.first else {
            throw node.error(
                "empty condition: write all: [...], any: [...], not: ..., or column: NAME with one operator")
        }

        if let combinator = entries.first(where: { Self.combinatorKeys.contains($0.key) }) {
            if entries.count > 1 {
                let other = entries.first { $0.key != combinator.key }!
                throw PolicyError(
                    file: node.file, keyPath: node.path, line: other.keyNode.line, column: other.keyNode.column,
                    message:
                        "'\(combinator.key)' cannot share a condition with '\(other.key)'; put each condition in its own list entry under all: or any:"
                )
            }
            switch combinator.key {
            case "not":
                let (c, compiled) = try compile(combinator.value)
                return (.not(c), .not(compiled))
            default:
                var conditions: [Condition] = []
                var compiled: [CompiledCondition] = []
                let items = try combinator.value.sequence()
                if items.isEmpty {
                    throw combinator.value.error("'\(combinator.key): []' is empty; give at least one condition")
                }
                for item in items {
                    let (c, cc) = try compile(item)
                    conditions.append(c)
                    compiled.append(cc)
                }
                return combinator.key == "all" ? (.all(conditions), .all(compiled)) : (.any(conditions), .any(compiled))
            }
        }

        if let entry = entries.first(where: { Self.membershipKeys.contains($0.key) }) {
            return try compileMembership(entry, entries: entries, node: node)
        }

        guard let columnEntry = entries.first(where: { $0.key == "column" }) else {
            throw node.error("'\(first.key)' needs the column it tests: add column: NAME")
        }
        let column = try columnEntry.value.string()
        let operators = entries.filter { $0.key != "column" }
        guard let op = operators.first else {
            throw node.error(
                "column test on '\(column)' has no operator (expected one of: \(ColumnOperator.keys.joined(separator: ", ")))"
            )
        }
        if operators.count > 1 {
            let second = operators[1]
            throw PolicyError(
                file: node.file, keyPath: node.path, line: second.keyNode.line, column: second.keyNode.column,
                message:
                    "column test on '\(column)' has two operators, '\(op.key)' and '\(second.key)'; use exactly one and combine tests with all: [...]"
            )
        }

        let index = registry.number(of: column)
        if !references.contains(where: { $0.column == column }) {
            references.append(
                .init(
                    column: column, keyPath: columnEntry.value.path,
                    line: columnEntry.value.line, columnNumber: columnEntry.value.column))
        }
        let (written, test) = try Self.compileOperator(op.key, op.value)
        return (.test(column: column, written), .test(column: index, test))
    }

    static func compileOperator(_ key: String, _ v: PolicyNode) throws(PolicyError) -> (ColumnOperator, CompiledTest) {
        switch key {
        case "equals":
            if v.isNull { throw v.error("'equals' needs a value; to test for an empty value write empty: true") }
            let text = try v.text()
            return (.equals(text), .equals(text))
        case "one_of":
            var values: [String] = []
            for item in try v.sequence(nonEmpty: true) {
                if item.isNull {
                    throw item.error(
                        "expected a value, found nothing (null); to test for an empty value write empty: true")
                }
                values.append(try item.text())
            }
            return (.oneOf(values), .oneOf(Set(values)))
        case "matches":
            let pattern = try v.string()
            do {
                return (.matches(pattern), .matches(try RegexPattern(pattern)))
            } catch {
                throw v.error("invalid regular expression '\(pattern)': \(error)")
            }
        case "glob":
            let pattern = try v.string()
            switch GlobPattern.compile(pattern) {
            case .success(let glob): return (.glob(pattern), .glob(glob))
            case .failure(let e): throw v.error("invalid glob '\(pattern)': \(e.message)")
            }
        case "domain":
            var domains: [String] = []
            if case .sequence = v.node {
                for item in try v.sequence(nonEmpty: true) { domains.append(try item.string()) }
            } else {
                domains = [try v.string()]
            }
            switch DomainPattern.compile(domains) {
            case .success(let d): return (.domain(domains), .domain(d))
            case .failure(let e): throw v.error(e.message)
            }
        case "exists":
            let b = try v.bool()
            return (.exists(b), .exists(b))
        case "empty":
            let b = try v.bool()
            return (.empty(b), .empty(b))
        case "is":
            let b = try v.bool()
            return (.is(b), .isBool(b))
        case "gt":
            let d = try v.number()
            return (.gt(d), .number(.gt, d))
        case "gte":
            let d = try v.number()
            return (.gte(d), .number(.gte, d))
        case "lt":
            let d = try v.number()
            return (.lt(d), .number(.lt, d))
        case "lte":
            let d = try v.number()
            return (.lte(d), .number(.lte, d))
        case "eq":
            let d = try v.number()
            return (.eq(d), .number(.eq, d))
        case "within_days":
            let days = try v.number()
            guard days >= 0 else {
                throw v.error("within_days must be 0 or more, found \(SelectionReason.format(days))")
            }
            return (.withinDays(days), .withinSeconds(days * 86400))
        case "before", "after":
            let text = try v.text()
            guard let t = ISO8601Timestamp.secondsSince1970(text) else {
                throw v.error("'\(text)' is not an ISO-8601 date (write 2024-01-01 or 2024-01-01T12:00:00Z)")
            }
            return key == "before" ? (.before(text), .before(t)) : (.after(text), .after(t))
        default:
            throw v.error("unknown operator '\(key)'")  // unreachable: keys are checked by mapping(allowed:)
        }
    }
}
