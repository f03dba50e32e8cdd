/// A `matches:` pattern: PCRE2 syntax, searched for anywhere in the value (see
/// ``PCRE2Pattern`` for the syntax and docs/policy.md).
struct RegexPattern: Sendable {
    private let pattern: PCRE2Pattern

    /// Throws ``PCRE2Pattern/CompileError`` on bad syntax.
    init(_ pattern: String) throws {
        self.pattern = try PCRE2Pattern(pattern)
    }

    /// Whether the pattern matches anywhere in `value`.
    func matches(_ value: String) -> Bool {
        pattern.matches(value)
    }

    /// Whether the pattern matches anywhere in the UTF-8 `value`.
    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        pattern.matches(value)
    }
}
