/// The reference for ``PCRE2Pattern``: the same pattern as a Swift `Regex`, matched on the
/// value decoded as a `String`. Only the tests use it, on patterns and values where the two
/// syntaxes mean the same (PCRE2 matches code points; `Regex` matches characters, so `.`
/// differs on a letter followed by a combining mark).
struct SwiftRegexPattern: @unchecked Sendable {
    // `Regex` is not declared Sendable. It is an immutable value whose only lazily built
    // state (the compiled program) is created here, before the pattern is shared.
    private let regex: Regex<AnyRegexOutput>

    /// Throws on bad syntax.
    init(_ pattern: String) throws {
        regex = try Regex(pattern)
        _ = "".contains(regex)
    }

    /// Whether the pattern matches anywhere in `value`.
    func matches(_ value: String) -> Bool {
        value.contains(regex)
    }
}
