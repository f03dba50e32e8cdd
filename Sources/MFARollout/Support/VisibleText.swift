import Foundation

/// Text from an export, a policy, a plan or a server, made safe to show: every character that
/// would act instead of showing, or show as nothing, is written as a visible escape.
///
/// Such a character is one of:
/// - a control character (Unicode category Cc: C0 `U+0000`–`U+001F`, DEL, C1 `U+0080`–`U+009F`),
///   which can drive a terminal (`ESC [ 2 J` clears it) or end a line;
/// - a format character (Cf: the bidi controls `U+202A`–`U+202E` and `U+2066`–`U+2069`, the
///   zero-width characters, the soft hyphen, the byte order mark, tags) or another default
///   ignorable code point (variation selectors, Hangul fillers), which reorder text or are
///   invisible: `admin\u{202E}moc.live@corp.com` shows as another address;
/// - a line or paragraph separator (`U+2028`, `U+2029`);
/// - a noncharacter (`U+FDD0`–`U+FDEF`, `U+FFFE`, `U+FFFF` and their kin in every plane), which
///   HTML forbids.
///
/// The escape is `\n`, `\r` or `\t` for those three, else `\u` and four lowercase hex digits
/// (`\u001b`, `\u202e`), a surrogate pair beyond `U+FFFF` (`\udb40\udc01`): the same spelling as a
/// JSON string escape, so it may stand inside JSON strings too. A backslash in the text is left
/// as it is.
package enum VisibleText {
    /// Whether `scalar` is escaped (see the type's description).
    @inline(__always)
    package static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x7F { return value < 0x20 }
        if value <= 0x9F { return true }  // DEL and C1
        let properties = scalar.properties
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return properties.isDefaultIgnorableCodePoint || properties.isNoncharacterCodePoint
        }
    }

    /// Whether any character of `text` is escaped by ``escaped(_:)``.
    package static func containsEscapable(_ text: String) -> Bool {
        if isPlainASCII(text) { return false }
        return text.unicodeScalars.contains(where: needsEscape)
    }

    /// Whether `text` holds an invisible or reordering character (a format character, a
    /// separator, a default ignorable or a noncharacter above `U+009F`), as opposed to only
    /// controls: what reports count as "invisible characters".
    package static func containsInvisible(_ text: String) -> Bool {
        if isPlainASCII(text) { return false }
        return text.unicodeScalars.contains { $0.value > 0x9F && needsEscape($0) }
    }

    /// `text` with every escapable character escaped, line ends and tabs included: for a value
    /// shown inside a line of text.
    package static func escaped(_ text: String) -> String {
        escaping(text) { needsEscape($0) }
    }

    /// `text` with every escapable character escaped except `\n` and `\t`: for a block of
    /// several lines whose values were escaped with ``escaped(_:)`` already.
    package static func escapedKeepingLines(_ text: String) -> String {
        escaping(text) { $0 != "\n" && $0 != "\t" && needsEscape($0) }
    }

    /// JSON text (`JSONEncoder`'s output, which escapes only C0 controls) with every other
    /// escapable character in its strings escaped too: the same value, valid JSON, that no
    /// terminal or editor shows as something else. Outside strings JSON holds only ASCII.
    package static func json(_ data: Data) -> [UInt8] {
        let bytes = [UInt8](data)
        if bytes.allSatisfy({ $0 < 0x7F }) { return bytes }
        return Array(escapedKeepingLines(String(decoding: bytes, as: UTF8.self)).utf8)
    }

    /// The escape of one scalar: `\n`, `\r`, `\t`, `\u001b`, or a surrogate pair.
    package static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            if scalar.value <= 0xFFFF { return "\\u" + hex4(scalar.value) }
            let offset = scalar.value - 0x10000
            return "\\u" + hex4(0xD800 + (offset >> 10)) + "\\u" + hex4(0xDC00 + (offset & 0x3FF))
        }
    }

    private static func escaping(_ text: String, where escapes: (Unicode.Scalar) -> Bool) -> String {
        if isPlainASCII(text) { return text }
        var out = String.UnicodeScalarView()
        var changed = false
        for scalar in text.unicodeScalars {
            if escapes(scalar) {
                out.append(contentsOf: escape(scalar).unicodeScalars)
                changed = true
            } else {
                out.append(scalar)
            }
        }
        return changed ? String(out) : text
    }

    /// Printable ASCII only (`U+0020`–`U+007E`): nothing to escape.
    @inline(__always)
    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
