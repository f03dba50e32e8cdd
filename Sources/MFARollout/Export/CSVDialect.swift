/// Whether values carry Auth0's CSV-injection escaping (a `'` prepended to every string value).
package enum Auth0Escaping: String, Sendable, Codable {
    /// Decided per input: on when the first data row's user id value starts with `'`.
    case auto
    /// Always strip one leading `'` from every value.
    case on
    /// Never strip anything: plain CSV from another system.
    case off
}

/// How an input CSV is written: its delimiter, whether Auth0 escaping applies, and the limits
/// a record must keep to.
///
/// Quoting is RFC 4180 (`"` quotes, `""` inside); spaces are part of a field, quoted or not;
/// a UTF-8 byte order mark is stripped; LF, CRLF and CR alone all end a line.
package struct CSVDialect: Sendable, Hashable {
    /// The field delimiter byte, `,` by default (`;` and tab are common elsewhere).
    package var delimiter: UInt8
    /// Whether to strip Auth0's `'` prefix from values.
    package var auth0Escaping: Auth0Escaping
    /// The longest field accepted, in bytes (as read: quotes and doubled quotes counted once).
    package var maxFieldBytes: Int
    /// The longest record accepted, in bytes: its values as read (quotes and doubled quotes
    /// counted once, as for a field), and one byte for each delimiter and for the line end.
    package var maxRecordBytes: Int

    /// 1 MiB: Auth0's metadata fields are far smaller; a longer field is a corrupt or hostile
    /// export, not a user.
    package static let defaultMaxFieldBytes = 1 << 20
    /// 4 MiB.
    package static let defaultMaxRecordBytes = 4 << 20
    /// The most columns a header may name.
    package static let maxColumns = 10_000

    package init(
        delimiter: UInt8 = UInt8(ascii: ","), auth0Escaping: Auth0Escaping = .auto,
        maxFieldBytes: Int = CSVDialect.defaultMaxFieldBytes, maxRecordBytes: Int = CSVDialect.defaultMaxRecordBytes
    ) {
        self.delimiter = delimiter
        self.auth0Escaping = auth0Escaping
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
    }
}
