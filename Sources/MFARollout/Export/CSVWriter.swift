import CLibCSV
import Foundation

/// Writes CSV rows (reports, rejected-row lists) with libcsv's quoting (`csv_write`), into
/// memory or to a `FileHandle`.
///
/// A field is quoted when it must be: it contains the delimiter, `"`, CR or LF, or starts or
/// ends with a space or tab (which CSV readers such as libcsv would trim). Rows end with `\n`
/// unless `lineTerminator` says otherwise.
///
/// `neutralizeFormulas` (on by default) guards against CSV injection (OWASP): a cell
/// starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` and is quoted, so
/// spreadsheet programs show it as text instead of evaluating it. Negative numbers such as
/// `-5` are neutralized too; turn the option off for files meant for programs, not people.
package struct CSVWriter {
    package var delimiter: UInt8
    package var neutralizeFormulas: Bool
    package var lineTerminator: [UInt8]
    /// Bytes written and not yet flushed (in memory mode: everything written).
    package private(set) var bytes: [UInt8] = []
    private let fileHandle: FileHandle?
    private let flushThreshold = 64 * 1024

    /// A writer that collects the CSV in `bytes`.
    package init(delimiter: UInt8 = UInt8(ascii: ","), neutralizeFormulas: Bool = true, lineTerminator: String = "\n") {
        self.delimiter = delimiter
        self.neutralizeFormulas = neutralizeFormulas
        self.lineTerminator = Array(lineTerminator.utf8)
        self.fileHandle = nil
    }

    /// A writer that writes to `fileHandle` in 64 KiB blocks; call `flush()` at the end.
    package init(
        fileHandle: FileHandle, delimiter: UInt8 = UInt8(ascii: ","), neutralizeFormulas: Bool = true,
        lineTerminator: String = "\n"
    ) {
        self.delimiter = delimiter
        self.neutralizeFormulas = neutralizeFormulas
        self.lineTerminator = Array(lineTerminator.utf8)
        self.fileHandle = fileHandle
    }

    /// Appends one row.
    package mutating func writeRow(_ fields: [String]) throws {
        for (index, field) in fields.enumerated() {
            var field = field
            field.withUTF8 { appendField($0, first: index == 0) }
        }
        try endRow()
    }

    /// Appends one field of the row being written, from its UTF-8 bytes; `first` for the
    /// row's first field (no delimiter before it). End the row with `endRow()`.
    mutating func appendField(_ field: UnsafeBufferPointer<UInt8>, first: Bool) {
        if !first { bytes.append(delimiter) }
        let neutralize = neutralizeFormulas && field.first.map(Self.startsFormula) == true
        let mustQuote =
            neutralize
            || field.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || field.first == 0x20 || field.first == 0x09 || field.last == 0x20 || field.last == 0x09
        guard mustQuote else {
            bytes.append(contentsOf: field)
            return
        }
        if neutralize {
            ([UInt8(ascii: "'")] + Array(field)).withUnsafeBufferPointer { Self.appendQuoted($0, to: &bytes) }
        } else {
            Self.appendQuoted(field, to: &bytes)
        }
    }

    /// Ends the row begun with `appendField`.
    mutating func endRow() throws {
        bytes.append(contentsOf: lineTerminator)
        if fileHandle != nil && bytes.count >= flushThreshold { try flush() }
    }

    /// Writes pending bytes to the file handle (no-op in memory mode).
    package mutating func flush() throws {
        guard let fileHandle, !bytes.isEmpty else { return }
        try fileHandle.write(contentsOf: bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// One row as CSV bytes (no file involved), with the given options.
    package static func encodeRow(
        _ fields: [String], delimiter: UInt8 = UInt8(ascii: ","), neutralizeFormulas: Bool = true
    ) -> [UInt8] {
        var writer = CSVWriter(delimiter: delimiter, neutralizeFormulas: neutralizeFormulas)
        try! writer.writeRow(fields)  // memory mode never throws
        return writer.bytes
    }

    /// Appends `value` quoted with libcsv's `csv_write`: `"` around, inner `"` doubled.
    static func appendQuoted(_ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let source = UnsafeRawPointer(value.baseAddress) ?? UnsafeRawPointer(bitPattern: 1)!
        let needed = csv_write(nil, 0, source, value.count)
        out.append(addingCapacity: needed) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                initialized += csv_write(buffer.baseAddress! + initialized, needed, source, value.count)
            }
        }
    }

    static func appendQuoted(_ value: [UInt8], to out: inout [UInt8]) {
        value.withUnsafeBufferPointer { appendQuoted($0, to: &out) }
    }

    /// `=`, `+`, `-`, `@`, tab, CR: a spreadsheet would read a cell starting so as a formula.
    private static func startsFormula(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
        default: false
        }
    }
}
