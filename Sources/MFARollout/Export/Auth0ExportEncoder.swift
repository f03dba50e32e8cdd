/// One value of an Auth0 user export, as the encoder writes it.
package enum Auth0ExportValue: Sendable, Hashable {
    /// A string: written `"'value"` (quoted, `'` prepended, inner `"` doubled).
    case string(String)
    /// An Auth0-generated ISO-8601 date: written `"2024-01-31T10:00:00.000Z"` (quoted, no `'`).
    case date(String)
    /// A number, written as given, unquoted: `42`.
    case number(String)
    /// A boolean, unquoted: `true` / `false`.
    case bool(Bool)
    /// No value (absent field, whole object or array): an empty field.
    case empty
}

/// Encodes rows in the CSV format of Auth0's user export jobs (see the reference,
/// "User export jobs"), for the tenant emulator.
///
/// Confirmed by the reference: strings are double-quoted with inner quotes doubled and a `'`
/// PREPENDED (OWASP CSV-injection escaping); dates are quoted without `'`; the header is
/// quoted without `'`. Not confirmed, decided here: numbers and booleans are written bare
/// (`42`, `true`), an empty value is an empty field, no BOM, rows end with `\n`. Quoting uses
/// libcsv's `csv_write`.
///
/// Reading it back with `ExportReader` (Auth0 escaping on or auto) gives the original
/// strings; `.string("")` and `.empty` both read back as `""`.
package struct Auth0ExportEncoder: Sendable {
    package init() {}

    /// Appends the header row.
    package func appendHeader(_ names: [String], to out: inout [UInt8]) {
        for (index, name) in names.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            CSVWriter.appendQuoted(Array(name.utf8), to: &out)
        }
        out.append(0x0A)
    }

    /// Appends one data row.
    package func appendRow(_ values: [Auth0ExportValue], to out: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            switch value {
            case .string(let string):
                CSVWriter.appendQuoted([UInt8(ascii: "'")] + Array(string.utf8), to: &out)
            case .date(let date):
                CSVWriter.appendQuoted(Array(date.utf8), to: &out)
            case .number(let number):
                out.append(contentsOf: number.utf8)
            case .bool(let flag):
                out.append(contentsOf: (flag ? "true" : "false").utf8)
            case .empty:
                break
            }
        }
        out.append(0x0A)
    }

    /// A whole export: header then rows.
    package func encode(header: [String], rows: some Sequence<[Auth0ExportValue]>) -> [UInt8] {
        var out: [UInt8] = []
        appendHeader(header, to: &out)
        for row in rows { appendRow(row, to: &out) }
        return out
    }
}
