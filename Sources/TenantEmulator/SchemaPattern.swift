/// A JSON Schema `pattern` (ECMA-262) tested against a string, code point by code point as JSON
/// Schema reads strings. The spec's patterns are anchored (`^…$`); `$` matches only at the very
/// end, not before a final newline.
enum SchemaPattern {
    /// Whether `pattern` matches somewhere in `text` (anchors decide how much). A pattern that
    /// does not compile matches nothing.
    static func matches(_ text: String, pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        let scalars = regex.matchingSemantics(.unicodeScalar).anchorsMatchLineEndings(false)
        return (try? scalars.firstMatch(in: text)) != nil
    }
}
