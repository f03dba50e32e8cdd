/// Text as HTML that shows what the text holds: markup characters escaped, and every invisible,
/// reordering or control character (see `VisibleText`) written as its escape in a highlighted
/// span, `<span class="esc" title="U+202E">\u202e</span>`. Such characters are forbidden in HTML
/// (controls, noncharacters) or would make a value show as another (bidi overrides), so none
/// reaches the page as it is.
package enum HTMLText {
    /// `text` ready to stand between tags or in a double-quoted attribute.
    package static func visible(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if VisibleText.needsEscape(scalar) {
                let code = String(scalar.value, radix: 16, uppercase: true)
                let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
                out += "<span class=\"esc\" title=\"U+\(padded)\">\(VisibleText.escape(scalar))</span>"
                continue
            }
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
