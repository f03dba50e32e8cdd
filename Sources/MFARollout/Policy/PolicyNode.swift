import Yams

/// A YAML node with its key path, for decoding with errors that say exactly where.
struct PolicyNode {
    let node: Node
    /// `rules[2].when.all[0]`; empty at the root.
    let path: String
    let file: String

    var line: Int? { node.mark?.line }
    /// The resolved YAML tag (`str`, `int`, `bool`, `null`, ...): quoted scalars are always `str`.
    var tagName: Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }
    var column: Int? { node.mark?.column }

    func error(_ message: String) -> PolicyError {
        PolicyError(file: file, keyPath: path, line: line, column: column, message: message)
    }

    func child(_ key: String, _ node: Node) -> PolicyNode {
        PolicyNode(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// What kind of YAML value this is, for "expected X, found Y" messages.
    var kindDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tagName {
            case .null: return "nothing (null)"
            case .bool: return "a boolean (\(node.scalar!.string))"
            case .int, .float: return "a number (\(node.scalar!.string))"
            default: return "the text '\(node.scalar!.string)'"
            }
        }
    }

    func typeError(expected: String) -> PolicyError {
        error("expected \(expected), found \(kindDescription)")
    }

    // MARK: Mappings

    /// The mapping's entries in file order; every key must be a plain scalar in `allowed`.
    func mapping(allowed: [String]) throws(PolicyError) -> [(key: String, keyNode: PolicyNode, value: PolicyNode)] {
        guard case .mapping(let mapping) = node else { throw typeError(expected: "a mapping") }
        var entries: [(key: String, keyNode: PolicyNode, value: PolicyNode)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw PolicyError(
                    file: file, keyPath: path, line: keyNode.mark?.line, column: keyNode.mark?.column,
                    message: "mapping keys must be plain words")
            }
            let key = scalar.string
            guard allowed.contains(key) else {
                var message = "unknown key '\(key)' (expected one of: \(allowed.joined(separator: ", ")))"
                if let suggestion = Self.closest(to: key, in: allowed) { message += "; did you mean '\(suggestion)'?" }
                throw PolicyError(
                    file: file, keyPath: path, line: scalar.mark?.line, column: scalar.mark?.column,
                    message: message)
            }
            entries.append((key, PolicyNode(node: keyNode, path: path, file: file), child(key, valueNode)))
        }
        return entries
    }

    /// The mapping as a dictionary (keys are unique: Yams rejects duplicates).
    func fields(allowed: [String]) throws(PolicyError) -> [String: PolicyNode] {
        var result: [String: PolicyNode] = [:]
        for entry in try mapping(allowed: allowed) { result[entry.key] = entry.value }
        return result
    }

    // MARK: Sequences

    func sequence(nonEmpty: Bool = false) throws(PolicyError) -> [PolicyNode] {
        guard case .sequence(let sequence) = node else { throw typeError(expected: "a list") }
        if nonEmpty && sequence.isEmpty { throw error("the list is empty; give at least one entry") }
        return sequence.enumerated().map { PolicyNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    // MARK: Scalars

    var isNull: Bool {
        if case .scalar = node, tagName == .null { return true }
        return false
    }

    /// Any non-null scalar, as its text.
    func text() throws(PolicyError) -> String {
        guard case .scalar(let scalar) = node, tagName != .null else {
            throw typeError(expected: "a value")
        }
        return scalar.string
    }

    /// A non-null scalar; non-empty unless `allowEmpty`.
    func string(allowEmpty: Bool = false) throws(PolicyError) -> String {
        guard case .scalar(let scalar) = node, tagName != .null else {
            throw typeError(expected: "a string")
        }
        if !allowEmpty && scalar.string.isEmpty { throw error("must not be empty") }
        return scalar.string
    }

    /// `true` or `false` (any case, unquoted); not YAML 1.1's `yes`/`no`/`on`/`off`.
    func bool() throws(PolicyError) -> Bool {
        guard case .scalar(let scalar) = node, tagName == .bool else { throw typeError(expected: "true or false") }
        switch scalar.string.lowercased() {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false, found '\(scalar.string)' (write true or false)")
        }
    }

    /// An unquoted integer.
    func int(minimum: Int = 0) throws(PolicyError) -> Int {
        guard tagName == .int, let value = node.int else { throw typeError(expected: "a whole number") }
        if value < minimum { throw error("must be at least \(minimum), found \(value)") }
        return value
    }

    /// An unquoted finite number (integer or decimal).
    func number() throws(PolicyError) -> Double {
        let name = tagName
        guard name == .int || name == .float, let value = name == .int ? node.int.map(Double.init) : node.float else {
            throw typeError(expected: "a number")
        }
        guard value.isFinite else { throw error("must be a finite number") }
        return value
    }

    /// A size in bytes, at least 1: a whole number (`1048576`), or one with a unit (`64 KiB`,
    /// `1 MiB`, `2 GiB`; `KB`, `MB`, `GB` are read as the same powers of two).
    func byteCount() throws(PolicyError) -> Int {
        let units = ["kib": 1 << 10, "kb": 1 << 10, "mib": 1 << 20, "mb": 1 << 20, "gib": 1 << 30, "gb": 1 << 30]
        if tagName == .int {
            return try int(minimum: 1)
        }
        guard case .scalar(let scalar) = node, tagName == .str else {
            throw typeError(expected: "a size in bytes (1048576, or 1 MiB)")
        }
        let text = scalar.string.lowercased().filter { $0 != " " }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits), let unit = units[String(text.dropFirst(digits.count))] else {
            throw error("expected a size in bytes (1048576, or 64 KiB, 1 MiB, 2 GiB), found '\(scalar.string)'")
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit)
        guard !overflow, bytes >= 1 else { throw error("size '\(scalar.string)' is out of range") }
        return bytes
    }

    /// A number in 0...100.
    func percentage() throws(PolicyError) -> Double {
        let value = try number()
        guard (0...100).contains(value) else {
            throw error("percentage must be between 0 and 100, found \(SelectionReason.format(value))")
        }
        return value
    }

    // MARK: Suggestions

    static func closest(to word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let d = editDistance(word.lowercased(), candidate)
            if d <= max(1, candidate.count / 3), best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}
