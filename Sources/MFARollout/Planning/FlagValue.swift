/// The value a user's MFA flag has in the export: on, off, or not set at all.
public enum FlagValue: String, Sendable, Hashable, Codable, CustomStringConvertible {
    case on = "true"
    case off = "false"
    case absent

    /// Parses an export cell. Accepts `true`/`false`, `1`/`0` (any case, surrounding spaces
    /// ignored), an Auth0 `'` prefix if one survived, and empty (the flag is not set).
    /// Returns nil for anything else, which the planner reports as an unparsable flag value.
    public init?(exportValue raw: String?) {
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
    public init?(exportBytes raw: UnsafeBufferPointer<UInt8>?) {
        guard let raw else {
            self = .absent
            return
        }
        switch raw.count {
        case 0:
            self = .absent
        case 4 where raw[0] == 0x74 && raw[1] == 0x72 && raw[2] == 0x75 && raw[3] == 0x65:  // true
            self = .on
        case 5 where raw[0] == 0x66 && raw[1] == 0x61 && raw[2] == 0x6C && raw[3] == 0x73 && raw[4] == 0x65:  // false
            self = .off
        default:
            guard let value = Self.lenient(String(decoding: raw, as: UTF8.self)) else { return nil }
            self = value
        }
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
