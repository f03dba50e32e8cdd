/// A `matches:` pattern: Swift `Regex` syntax, searched for anywhere in the value.
struct RegexPattern: @unchecked Sendable {
    // `Regex` is not declared Sendable. It is an immutable value whose only lazily built
    // state (the compiled program) is created here, at load time, before the policy is shared.
    private let regex: Regex<AnyRegexOutput>

    /// Throws on bad syntax.
    init(_ pattern: String) throws {
        regex = try Regex(pattern)
        _ = "".contains(regex)  // force compilation now, not on the first row
    }

    /// Whether the pattern matches anywhere in `value`.
    func matches(_ value: String) -> Bool {
        value.contains(regex)
    }
}
