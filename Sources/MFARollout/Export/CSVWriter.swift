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
public struct CSVWriter {
    public var delimiter: UInt8
    public var neutralizeFormulas: Bool
    public var lineTerminator: [UInt8]
    /// Bytes written and not yet flushed (in memory mode: everything written).
    public private(set) var bytes: [UInt8] = []
    private let fileHandle: FileHandle?
    private let flushThreshold = 64 * 1024

    /// A writer that collects the CSV in `bytes`.
    public init(delimiter: UInt8 = UInt8(ascii: ","), neutralizeFormulas: Bool = true, lineTerminator: String = "\n") {
        self.delimiter = delimiter
        self.neutralizeFormulas = neutralizeFormulas
        self.lineTerminator = Array(lineTerminator.utf8)
        self.fileHandle = nil
    }

    /// A writer that writes to `fileHandle` in 64 KiB blocks; call `flush()` at the end.
    public init(
        fileHandle: FileHandle, delimiter: UInt8 = UInt8(ascii: ","), neutralizeFormulas: Bool = true,
        lineTerminator: String = "\n"
    ) {
        self.delimiter = delimiter
        self.neutralizeFormulas = neutralizeFormulas
        self.lineTerminator = Array(lineTerminator.utf8)
        self.fileHandle = fileHandle
    }

    /// Appends one row.
    public mutating func writeRow(_ fields: [String]) throws {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(delimiter) }
            appendField(field)
        }
        bytes.append(contentsOf: lineTerminator)
        if fileHandle != nil && bytes.count >= flushThreshold { try flush() }
    }

    /// Writes pending bytes to the file handle (no-op in memory mode).
    public mutating func flush() throws {
        guard let fileHandle, !bytes.isEmpty else { return }
        try fileHandle.write(contentsOf: bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// One row as CSV bytes (no file involved), with the given options.
    public static func encodeRow(
        _ fields: [String], delimiter: UInt8 = UInt8(ascii: ","), neutralizeFormulas: Bool = true
    ) -> [UInt8] {
        var writer = CSVWriter(delimiter: delimiter, neutralizeFormulas: neutralizeFormulas)
        try! writer.writeRow(fields)  // memory mode never throws
        return writer.bytes
    }

    private mutating func appendField(_ field: String) {
        var utf8 = Array(field.utf8)
        var mustQuote = false
        if neutralizeFormulas, let first = utf8.first, Self.formulaStarts.contains(first) {
            utf8.insert(UInt8(ascii: "'"), at: 0)
            mustQuote = true
        }
        if !mustQuote {
            mustQuote = utf8.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
                || [0x20, 0x09].contains(utf8.first ?? 0) || [0x20, 0x09].contains(utf8.last ?? 0)
        }
        guard mustQuote else {
            bytes.append(contentsOf: utf8)
            return
        }
        Self.appendQuoted(utf8, to: &bytes)
    }

    /// Appends `value` quoted with libcsv's `csv_write`: `"` around, inner `"` doubled.
    static func appendQuoted(_ value: [UInt8], to out: inout [UInt8]) {
        let needed = value.withUnsafeBytes { csv_write(nil, 0, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.count) }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: needed))
        out.withUnsafeMutableBytes { destination in
            value.withUnsafeBytes { source in
                _ = csv_write(destination.baseAddress! + start, needed, source.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, source.count)
            }
        }
    }

    private static let formulaStarts: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D,
    ]
}
