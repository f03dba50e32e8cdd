/// Quoting for POSIX `sh`.
enum EmitShellQuoting {
    /// `value` as one shell word in single quotes; a `'` inside becomes `'\''`. Everything else
    /// (`"`, `$`, backquotes, spaces, newlines) is literal between single quotes.
    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// True when `value` has no NUL or other control character (a shell word cannot hold NUL,
    /// and a terminal should not receive control characters from a message).
    static func isPrintable(_ value: String) -> Bool {
        !value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
