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

    /// True when `value` is non-empty and holds only ASCII letters, digits and `-_.|@+:=,/~%`:
    /// nothing a shell, `shellcheck` or a terminal reads as anything but text, even quoted.
    package static func isPlain(_ value: String) -> Bool {
        !value.isEmpty
            && value.unicodeScalars.allSatisfy {
                $0.isASCII
                    && (("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                        || "-_.|@+:=,/~%".unicodeScalars.contains($0))
            }
    }
}
