/// Whether values carry Auth0's CSV-injection escaping (a `'` prepended to every string value).
package enum Auth0Escaping: String, Sendable, Codable {
    /// Decided per input: on when the first data row's user id value starts with `'`.
    case auto
    /// Always strip one leading `'` from every value.
    case on
    /// Never strip anything: plain CSV from another system.
    case off
}

/// How an input CSV is written: its delimiter and whether Auth0 escaping applies.
///
/// Quoting is always RFC 4180 style (`"` quotes, `""` inside), a UTF-8 byte order mark is
/// stripped, and both CRLF and LF line ends are accepted.
package struct CSVDialect: Sendable, Hashable {
    /// The field delimiter byte, `,` by default (`;` and tab are common elsewhere).
    package var delimiter: UInt8
    /// Whether to strip Auth0's `'` prefix from values.
    package var auth0Escaping: Auth0Escaping

    package init(delimiter: UInt8 = UInt8(ascii: ","), auth0Escaping: Auth0Escaping = .auto) {
        self.delimiter = delimiter
        self.auth0Escaping = auth0Escaping
    }
}
