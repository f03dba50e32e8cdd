/// Email-domain tests: `corp.com` matches exactly that domain, `*.corp.com` matches any
/// subdomain of it (`eu.corp.com`, `a.b.corp.com`) but not `corp.com` itself. ASCII letters
/// compare case-insensitively; the domain of a value is what follows its last `@`
/// (`ConditionProgram` does the matching).
struct DomainPattern: Sendable {
    /// Lowercased exact domains.
    let exact: [[UInt8]]
    /// Lowercased suffixes, with their leading dot: `.corp.com`.
    let suffixes: [[UInt8]]
    let patterns: [String]

    /// Validates and lowercases; a message when a pattern is malformed.
    static func compile(_ patterns: [String]) -> Result<DomainPattern, DomainSyntaxError> {
        var exact: [[UInt8]] = []
        var suffixes: [[UInt8]] = []
        for raw in patterns {
            let p = raw.lowercased()
            var domain = Substring(p)
            let wildcard = domain.hasPrefix("*.")
            if wildcard { domain = domain.dropFirst(2) }
            if let problem = problem(in: domain, original: raw) { return .failure(DomainSyntaxError(message: problem)) }
            if wildcard { suffixes.append(Array(("." + domain).utf8)) } else { exact.append(Array(domain.utf8)) }
        }
        return .success(DomainPattern(exact: exact, suffixes: suffixes, patterns: patterns))
    }

    private static func problem(in domain: Substring, original: String) -> String? {
        if domain.isEmpty { return "empty domain '\(original)'" }
        if domain.contains("@") { return "'\(original)' is not a domain: write it without '@' (corp.com, *.corp.com)" }
        if domain.contains("*") { return "'\(original)': '*' is only allowed as a leading '*.' (e.g. *.corp.com)" }
        if domain.contains(where: { $0.isWhitespace }) { return "'\(original)' contains whitespace" }
        if domain.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            return "'\(original)' has an empty label (a leading, trailing or doubled '.')"
        }
        return nil
    }
}

struct DomainSyntaxError: Error {
    let message: String
}
