/// Reads a list file: one user id or email per line.
///
/// Surrounding whitespace is trimmed, blank lines and lines starting with `#` are skipped.
/// An entry with whitespace inside is an error (most likely a trailing comment, which is not
/// supported: a comment must be on its own line).
enum UserListFile {
    /// Parses `text`; errors name `file`, the line and `keyPath` (the policy key that named the file).
    static func parse(_ text: String, file: String, keyPath: String) throws(PolicyError) -> UserList {
        var list = UserList()
        var lineNumber = 0
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        for rawLine in body.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if let bad = line.firstIndex(where: { $0.isWhitespace }) {
                let column =
                    line.distance(from: line.startIndex, to: bad)
                    + rawLine.distance(from: rawLine.startIndex, to: line.startIndex) + 1
                throw PolicyError(
                    file: file, keyPath: keyPath, line: lineNumber, column: column,
                    message:
                        "'\(line)' contains whitespace; write one id or email per line, comments on their own line starting with '#'"
                )
            }
            list.add(String(line))
        }
        return list
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return self[first...last]
    }
}
