/// The value a user's MFA flag has in the export: on, off, not set at all, or set to
/// something that is not a boolean.
package enum FlagValue: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The boolean `true`.
    case on = "true"
    /// The boolean `false`.
    case off = "false"
    case absent
    /// Set, but not to a boolean: the string `"true"`, the number `1`, … Only an Auth0 export,
    /// which tells strings from booleans, can show it. A post-login Action that tests
    /// `=== true` does not see it as on, so the planner writes the boolean over it.
    case other

    /// Reads the flag's cell from an export with Auth0's escaping, where a string carries the
    /// `'` prefix (stripped by the reader; `isString` says it was there) and a boolean is
    /// bare: on and off are only the bare `true` and `false`, an empty cell is absent, and
    /// anything else is ``other``.
    @inline(__always)
    package init(auth0Bytes raw: UnsafeBufferPointer<UInt8>?, isString: Bool) {
        guard let raw else {
            self = .absent
            return
        }
        self = isString ? .other : Self.exact(raw) ?? .other
    }

    /// The three spellings exports actually use, read from the bytes: empty, `true`, `false`.
    @inline(__always)
    private static func exact(_ raw: UnsafeBufferPointer<UInt8>) -> FlagValue? {
        switch raw.count {
        case 0: .absent
        // t r u e
        case 4 where raw[0] == 0x74 && raw[1] == 0x72 && raw[2] == 0x75 && raw[3] == 0x65: .on
        // f a l s e
        case 5 where raw[0] == 0x66 && raw[1] == 0x61 && raw[2] == 0x6C && raw[3] == 0x73 && raw[4] == 0x65: .off
        default: nil
        }
    }

    /// How a summary names a non-boolean value it replaces: `string "true"`, `number 1`,
    /// `value yes`; long or unusual values by their kind alone.
    package static func describeOther(_ raw: UnsafeBufferPointer<UInt8>, isString: Bool) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        let isNumber = !isString && Double(text) != nil
        let kind = isString ? "string" : isNumber ? "number" : "value"
        let plain = raw.count <= 16 && raw.allSatisfy { (0x21...0x7E).contains($0) && $0 != 0x22 && $0 != 0x5C }
        guard plain else { return isString && raw.isEmpty ? "string \"\"" : "\(kind) (other)" }
        return isString ? "string \"\(text)\"" : "\(kind) \(text)"
    }

    /// Parses an export cell. Accepts `true`/`false`, `1`/`0` (any case, surrounding spaces
    /// ignored), an Auth0 `'` prefix if one survived, and empty (the flag is not set).
    /// Returns nil for anything else, which the planner reports as an unparsable flag value.
    package init?(exportValue raw: String?) {
        guard var raw else {
            self = .absent
            return
        }
        guard let value = raw.withUTF8({ FlagValue(exportBytes: $0) }) else { return nil }
        self = value
    }

    /// `init(exportValue:)` on a cell's UTF-8 bytes; the spellings exports actually use are
    /// read without making a `String`.
    @inline(__always)
    package init?(exportBytes raw: UnsafeBufferPointer<UInt8>?) {
        guard let raw else {
            self = .absent
            return
        }
        guard let value = Self.exact(raw) ?? Self.lenient(String(decoding: raw, as: UTF8.self)) else { return nil }
        self = value
    }

    /// Other spellings: spaces and tabs trimmed, one `'` dropped, case ignored.
    private static func lenient(_ raw: String) -> FlagValue? {
        var text = Substring(raw)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        if text.first == "'" { text.removeFirst() }
        switch text.lowercased() {
        case "": return .absent
        case "true", "1": return .on
        case "false", "0": return .off
        default: return nil
        }
    }

    package var description: String { rawValue }
}
