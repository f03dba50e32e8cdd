/// How to read the export CSV, as the policy's `csv:` section states it.
///
/// Mirrors `CSVDialect` from the export reader (same fields); kept here until the two are reconciled.
public struct PolicyCSVSettings: Sendable, Hashable, Codable {
    /// Whether values carry Auth0's OWASP CSV-injection escaping (a leading `'`).
    public enum Auth0Escaping: String, Sendable, Hashable, Codable, CaseIterable {
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

    public static let `default` = PolicyCSVSettings(delimiter: UInt8(ascii: ","), auth0Escaping: .auto)

    public init(delimiter: UInt8, auth0Escaping: Auth0Escaping) {
        self.delimiter = delimiter
        self.auth0Escaping = auth0Escaping
    }
}
