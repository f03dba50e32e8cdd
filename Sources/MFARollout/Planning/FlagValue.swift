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
