/// The value a user's MFA flag has in the export: on, off, or not set at all.
public enum FlagValue: String, Sendable, Hashable, Codable, CustomStringConvertible {
    case on = "true"
    case off = "false"
    case absent

    /// Parses an export cell. Accepts `true`/`false`, `1`/`0` (any case, surrounding spaces
    /// ignored), an Auth0 `'` prefix if one survived, and empty (the flag is not set).
    /// Returns nil for anything else, which the planner reports as an unparsable flag value.
    public init?(exportValue raw: String?) {
        guard let raw else {
            self = .absent
            return
        }
        // The spellings exports actually use, without allocating.
        switch raw {
        case "": self = .absent; return
        case "true": self = .on; return
        case "false": self = .off; return
        default: break
        }
        var text = Substring(raw)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        if text.first == "'" { text.removeFirst() }
        switch text.lowercased() {
        case "": self = .absent
        case "true", "1": self = .on
        case "false", "0": self = .off
        default: return nil
        }
    }

    /// `init(exportValue:)` on a cell's UTF-8 bytes; the usual spellings without a `String`.
    @inline(__always)
    public init?(exportBytes raw: UnsafeBufferPointer<UInt8>?) {
        guard let raw else {
            self = .absent
            return
        }
        switch raw.count {
        case 0:
            self = .absent
            return
        case 4 where raw[0] == 0x74 && raw[1] == 0x72 && raw[2] == 0x75 && raw[3] == 0x65:  // true
            self = .on
            return
        case 5 where raw[0] == 0x66 && raw[1] == 0x61 && raw[2] == 0x6C && raw[3] == 0x73 && raw[4] == 0x65:  // false
            self = .off
            return
        default:
            self.init(exportValue: String(decoding: raw, as: UTF8.self))
        }
    }

    /// The flag as a JSON value would be written in a PATCH body: `true`, `false` or `null`.
    public var jsonLiteral: String {
        switch self {
        case .on: "true"
        case .off: "false"
        case .absent: "null"
        }
    }

    public var description: String { rawValue }
}
