/// How to read the export CSV, as the policy's `csv:` section states it.
///
/// Mirrors `CSVDialect` from the export reader (same initializer, fields and cases), so that
/// when both are merged this file can be replaced by `public typealias PolicyCSVSettings = CSVDialect`.
public struct PolicyCSVSettings: Sendable, Hashable {
    /// Whether values carry Auth0's OWASP CSV-injection escaping (a leading `'`).
    public enum Auth0Escaping: String, Sendable, Hashable, Codable {
        /// Detect from the file.
        case auto
        /// Always strip a leading `'`.
        case on
        /// Never strip.
        case off
    }

    /// The field delimiter, one ASCII byte. Default `,`.
    public var delimiter: UInt8
    public var auth0Escaping: Auth0Escaping

    public init(delimiter: UInt8 = UInt8(ascii: ","), auth0Escaping: Auth0Escaping = .auto) {
        self.delimiter = delimiter
        self.auth0Escaping = auth0Escaping
    }
}
