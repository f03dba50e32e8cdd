/// One accepted data row as bytes, handed to `ExportReader.readRecords`'s callback.
///
/// `bytes(i)` is the UTF-8 of `columns[i]` of the read (already validated, Auth0's `'`
/// prefix already stripped): `nil` when the file has no such column, empty when the field is
/// empty. Nothing is turned into a `String` unless asked for with `string(_:)`, which is what
/// lets the planner decide a million rows without a million sets of strings.
///
/// Validity: a view into the reader's buffers, valid only during the callback. Copy out what
/// must outlive it (`string(_:)`, or `Array(bytes)`).
package struct ExportRecord {
    /// Display name of the input (`ExportSource.displayName`).
    package var file: String { source.takeUnretainedValue().value }
    /// Kept alive by whoever made the record, for at least as long as the record is valid;
    /// unmanaged so that passing or comparing records costs no reference counting.
    let source: Unmanaged<SourceName>
    /// Physical line (1-based) where the record starts; a quoted field may span lines.
    package let line: Int
    /// Number of slots (the `columns` of the read).
    package let count: Int
    private let base: UnsafePointer<UInt8>
    private let starts: UnsafePointer<Int>
    /// -1 for a column the file does not have.
    private let lengths: UnsafePointer<Int>
    /// Every value lies within `base[0..<extent]`, so the whole record copies as one block.
    let extent: Int
    /// Which values were strings in an Auth0 export (see ``ValueQuoting``).
    package let quoting: ValueQuoting

    init(
        source: SourceName, line: Int, count: Int, base: UnsafePointer<UInt8>, extent: Int,
        starts: UnsafePointer<Int>, lengths: UnsafePointer<Int>, quoting: ValueQuoting = ValueQuoting()
    ) {
        self.quoting = quoting
        self.source = .passUnretained(source)
        self.line = line
        self.count = count
        self.base = base
        self.extent = extent
        self.starts = starts
        self.lengths = lengths
    }

    /// The bytes every value lies within (see `extent`).
    var storage: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: extent) }

    /// Where slot `slot`'s value starts in `storage`, and its length (-1: no such column).
    @inline(__always)
    func span(_ slot: Int) -> (start: Int, length: Int) { (starts[slot], lengths[slot]) }

    /// The value of slot `slot` as UTF-8 bytes; `nil` when the file has no such column.
    @inline(__always)
    package func bytes(_ slot: Int) -> UnsafeBufferPointer<UInt8>? {
        let length = lengths[slot]
        guard length >= 0 else { return nil }
        return UnsafeBufferPointer(start: base + starts[slot], count: length)
    }

    /// The value of slot `slot` as a new `String`; `nil` when the file has no such column.
    package func string(_ slot: Int) -> String? {
        bytes(slot).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every slot as a `String?`, in order (what `ExportRow.values` holds).
    package var strings: [String?] {
        (0..<count).map { string($0) }
    }

    /// Runs `body` with a record over `values` (one slot per element, `nil` for a missing
    /// column): how the `[String?]` entry points reach the byte-level code.
    package static func withValues<Result>(
        _ values: [String?], file: String = "", line: Int = 0, quoting: ValueQuoting = ValueQuoting(),
        _ body: (ExportRecord) throws -> Result
    ) rethrows -> Result {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var lengths: [Int] = []
        for value in values {
            starts.append(bytes.count)
            if let value {
                bytes.append(contentsOf: value.utf8)
                lengths.append(value.utf8.count)
            } else {
                lengths.append(-1)
            }
        }
        bytes.append(0)  // never empty, so the base address exists
        let source = SourceName(file)
        return try withExtendedLifetime(source) {
            try bytes.withUnsafeBufferPointer { b in
                try starts.withUnsafeBufferPointer { s in
                    try lengths.withUnsafeBufferPointer { l in
                        try body(
                            ExportRecord(
                                source: source, line: line, count: values.count,
                                base: b.baseAddress!, extent: b.count - 1,
                                starts: s.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                lengths: l.baseAddress ?? UnsafePointer(bitPattern: 8)!, quoting: quoting))
                    }
                }
            }
        }
    }
}

/// Whether a record comes from an export with Auth0's escaping, where every string value
/// carries a leading `'` (stripped by the reader) and booleans and numbers are bare, and which
/// of its values were strings. Plain CSVs carry no types: there `escaped` is false.
package struct ValueQuoting: Sendable, Hashable {
    /// Bit `slot` set: that slot's value had Auth0's `'` (slots from 63 on are not tracked).
    let quotedSlots: UInt64
    /// The export uses Auth0's escaping.
    package let escaped: Bool

    package init(escaped: Bool = false, quotedSlots: UInt64 = 0) {
        self.escaped = escaped
        self.quotedSlots = quotedSlots
    }

    /// Whether slot `slot`'s value was a string in an Auth0 export.
    @inline(__always)
    package func isString(_ slot: Int) -> Bool {
        slot < 63 && quotedSlots & (1 << UInt64(slot)) != 0
    }
}

/// An input's display name, shared by reference so that records carry it without copying or
/// reference counting (see `ExportRecord.source`); its identity tells inputs apart.
final class SourceName: Sendable {
    let value: String

    init(_ value: String) {
        self.value = value
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether every byte is below 0x80, checked eight bytes at a time.
    @inline(__always)
    var isASCII: Bool {
        guard let base = baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        var combined: UInt64 = 0
        while index + 8 <= count {
            combined |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            combined |= UInt64(base[index])
            index += 1
        }
        return combined & 0x8080_8080_8080_8080 == 0
    }

    /// Whether the bytes are valid UTF-8. ASCII (the usual case) is checked eight bytes at a
    /// time; other text by the standard library's validating decoder.
    @inline(__always)
    var isValidUTF8: Bool {
        isASCII || String(validating: self, as: UTF8.self) != nil
    }

    /// Byte-wise equality.
    @inline(__always)
    func equals(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        count == other.count && (count == 0 || POSIX.equal(baseAddress!, other.baseAddress!, count: count))
    }
}
