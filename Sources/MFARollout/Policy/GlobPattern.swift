/// A shell glob matched with the C library's `fnmatch(3)`, flags 0: `*` and `?` also match `/`,
/// `[abc]`, `[a-z]`, `[!x]` are character classes, `\` escapes the next character, case-sensitive,
/// and the whole value must match.
struct GlobPattern: Sendable {
    let text: String
    /// The pattern as `fnmatch` reads it, NUL-terminated (`ConditionProgram` does the matching).
    let cString: [CChar]

    /// Nil with a reason when the pattern is malformed: empty, a trailing `\`, or a `[` without its `]`.
    static func compile(_ text: String) -> Result<GlobPattern, GlobSyntaxError> {
        if text.isEmpty { return .failure(GlobSyntaxError(message: "empty glob pattern")) }
        if text.utf8.contains(0) { return .failure(GlobSyntaxError(message: "glob contains a NUL character")) }
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\\"):
                guard i + 1 < b.count else { return .failure(GlobSyntaxError(message: "glob ends with a lone '\\'")) }
                i += 2
            case UInt8(ascii: "["):
                var j = i + 1
                if j < b.count, b[j] == UInt8(ascii: "!") || b[j] == UInt8(ascii: "^") { j += 1 }
                if j < b.count, b[j] == UInt8(ascii: "]") { j += 1 }  // a leading ']' is a member
                while j < b.count, b[j] != UInt8(ascii: "]") { j += 1 }
                guard j < b.count else {
                    return .failure(GlobSyntaxError(message: "'[' at offset \(i) has no closing ']' (write '[[]' for a literal '[')"))
                }
                i = j + 1
            default:
                i += 1
            }
        }
        return .success(GlobPattern(text: text, cString: Array(text.utf8CString)))
    }

    private init(text: String, cString: [CChar]) {
        self.text = text
        self.cString = cString
    }
}

struct GlobSyntaxError: Error {
    let message: String
}
