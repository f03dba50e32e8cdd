import CPlatform

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
                    return .failure(
                        GlobSyntaxError(
                            message: "'[' at offset \(i) has no closing ']' (write '[[]' for a literal '[')"))
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
        isStarsAndLiterals = !text.utf8.contains {
            $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\")
        }
    }

    /// Whether the pattern has no `?`, `[` or `\\`: only `*` and literal characters. Such a
    /// pattern is matched by `matchStarsAndLiterals`, with the same answers as `fnmatch`.
    let isStarsAndLiterals: Bool

    /// What `fnmatch(pattern, value, 0)` answers for a pattern of only `*` and literal bytes
    /// (`isStarsAndLiterals`), without copying the value to make it a C string: the value ends
    /// at its first NUL, as C sees it; the literal runs between stars are found left to right,
    /// each as early as it can be, the first anchored at the start and the last at the end.
    /// With flags 0 a `*` matches any bytes, `/` and a leading `.` included, and literal
    /// UTF-8 compares equal byte for byte exactly when it does character for character.
    static func matchStarsAndLiterals(_ pattern: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        let star = UInt8(ascii: "*")
        var length = value.count
        if let base = value.baseAddress, length > 0, let nul = POSIX.find(0, in: base, count: length) {
            length = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(nul))
        }
        let text = UnsafeBufferPointer(rebasing: value[0..<length])
        guard let firstStar = pattern.firstIndex(of: star) else { return text.equals(pattern) }
        let lastStar = pattern.lastIndex(of: star)!
        let head = UnsafeBufferPointer(rebasing: pattern[..<firstStar])
        let tail = UnsafeBufferPointer(rebasing: pattern[(lastStar + 1)...])
        guard text.count >= head.count + tail.count,
            UnsafeBufferPointer(rebasing: text[..<head.count]).equals(head),
            UnsafeBufferPointer(rebasing: text[(text.count - tail.count)...]).equals(tail)
        else { return false }
        var position = head.count
        let end = text.count - tail.count
        var segmentStart = firstStar + 1
        while segmentStart <= lastStar {
            let segmentEnd = pattern[segmentStart...lastStar].firstIndex(of: star)!
            let segment = UnsafeBufferPointer(rebasing: pattern[segmentStart..<segmentEnd])
            if !segment.isEmpty {
                guard let found = find(segment, in: UnsafeBufferPointer(rebasing: text[position..<end])) else {
                    return false
                }
                position += found + segment.count
            }
            segmentStart = segmentEnd + 1
        }
        return true
    }

    /// Offset of the first occurrence of `needle` (not empty) in `haystack`.
    private static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard haystack.count >= needle.count, let base = haystack.baseAddress else { return nil }
        guard let found = mfa_memmem(base, haystack.count, needle.baseAddress!, needle.count) else { return nil }
        return UnsafeRawPointer(base).distance(to: found)
    }
}

struct GlobSyntaxError: Error {
    let message: String
}
