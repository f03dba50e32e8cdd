/// Quoting for POSIX `sh`: the curl scripts `emit` writes, and the commands the tool prints
/// for a person to run again.
package enum ShellQuoting {
    /// `value` as one shell word in single quotes; a `'` inside becomes `'\''`. Everything else
    /// (`"`, `$`, backquotes, spaces, newlines) is literal between single quotes.
    package static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `value` as one shell word, quoted only when it holds anything but letters, digits and
    /// `-_./:@%+=,` (so a printed command stays readable).
    package static func word(_ value: String) -> String {
        let safe =
            !value.isEmpty
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:@%+=,".contains($0)) }
        return safe ? value : quote(value)
    }

    /// True when `value` has no NUL or other control character (a shell word cannot hold NUL,
    /// and a terminal should not receive control characters from a message).
    package static func isPrintable(_ value: String) -> Bool {
        !value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }
}
