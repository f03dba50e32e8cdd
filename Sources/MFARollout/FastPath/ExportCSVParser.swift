import CLibCSV
import CLibCSVFields

/// Per-row state the Swift callbacks share; `fields` (C, see `mfa_fields` in CLibCSVFields) holds
/// what the per-field callback needs. Both live in raw allocations so the callbacks reach
/// them without reference counting, exclusivity checks or closures.
struct CSVRowState {
    /// Physical line (1-based) where the current record starts.
    var recordStartLine: Int = 1
    /// `Unmanaged<ExportCSVParser>`, for the header and per-record callbacks.
    var owner: UnsafeMutableRawPointer? = nil
    /// False until the first data row has decided whether Auth0's `'` is stripped (then
    /// `mfa_fields.strip_quote` says so, and the C callback strips it).
    var escapingDecided: Bool = false
    /// The current record's user id fingerprint, computed as soon as its field is parsed.
    var fingerprint = UserIDFingerprint(high: 0, low: 0)
    var fingerprintReady: Bool = false
    /// `Unmanaged<UserIDHashSet>` to prefetch into, or nil.
    var table: UnsafeMutableRawPointer? = nil
}

private func exportHeaderField(_ context: UnsafeMutableRawPointer?, _ data: UnsafeRawPointer?, _ length: Int) {
    let state = context.unsafelyUnwrapped.assumingMemoryBound(to: CSVRowState.self)
    Unmanaged<ExportCSVParser>.fromOpaque(state.pointee.owner.unsafelyUnwrapped)
        ._withUnsafeGuaranteedRef { $0.headerField(data, length) }
}

/// The user id field was just parsed (and its `'` stripped): fingerprint it and start loading
/// its slot in the duplicate-detection table while libcsv parses the rest of the row.
private func exportUserIDParsed(_ context: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: Int) {
    let state = context.unsafelyUnwrapped.assumingMemoryBound(to: CSVRowState.self)
    guard state.pointee.escapingDecided, let data else { return }
    let fingerprint = UserIDFingerprint(UnsafeRawBufferPointer(start: data, count: length))
    state.pointee.fingerprint = fingerprint
    state.pointee.fingerprintReady = true
    if let table = state.pointee.table {
        Unmanaged<UserIDHashSet>.fromOpaque(table)._withUnsafeGuaranteedRef { $0.prefetch(fingerprint) }
    }
}

private func exportRecordCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    let fields = context.unsafelyUnwrapped.assumingMemoryBound(to: mfa_fields.self)
    let state = fields.pointee.context.unsafelyUnwrapped.assumingMemoryBound(to: CSVRowState.self)
    Unmanaged<ExportCSVParser>.fromOpaque(state.pointee.owner.unsafelyUnwrapped)
        ._withUnsafeGuaranteedRef { $0.endRecord(terminator: terminator) }
}

/// Parses one input's CSV with libcsv, tracking physical line numbers, and turns records
/// into validated rows of the requested columns.
///
/// Line tracking: whole chunks go to `csv_parse`, which reports every line end outside quotes
/// (`CSV_REPALL_NL`: `\n` or `\r` ending a record, and each one of a blank line, as a row of
/// no fields). Each counts one line, but for the `\n` of a `\r\n`: a row of no fields right
/// after a `\r`. Line breaks inside quoted fields are counted by the C field callback
/// (`line_breaks`). A record starts on the line after the last line end reported; a quoted
/// field that spans lines keeps the start line of its record, and blank lines are no records.
///
/// Limits (`CSVDialect`): a field longer than `maxFieldBytes`, or a record longer than
/// `maxRecordBytes`, is refused by the C callback, and a field libcsv is still collecting,
/// after each chunk fed. Neither is ever held whole: memory stays near the limits (and a
/// chunk), whatever the input.
///
/// Only the requested columns are copied out of libcsv's buffer (others are skipped by field
/// index in the C callback); no value becomes a `String` here (see `ExportRecord`).
final class ExportCSVParser {
    /// A row whose requested values passed the row-level checks except duplicates; the record
    /// is valid only during the call.
    typealias AcceptRow = (_ record: ExportRecord, _ fingerprint: UserIDFingerprint) throws -> Void
    /// A row-level problem: line, user id if readable, reason.
    typealias RejectRow = (_ line: Int, _ userID: String?, _ reason: ExportError.Reason) throws -> Void

    let file: String
    /// `file`, shared with the records made from this input.
    let sourceName: SourceName
    let columns: [String]
    let required: Set<String>
    let userIDColumn: String
    let userIDSlot: Int

    private var parser = UnsafeMutablePointer<csv_parser>.allocate(capacity: 1)
    private let fields = UnsafeMutablePointer<mfa_fields>.allocate(capacity: 1)
    private let row = UnsafeMutablePointer<CSVRowState>.allocate(capacity: 1)
    /// `fields.pointee.span_start` and `span_length`, unwrapped.
    private let spanStart: UnsafeMutablePointer<Int>
    private let spanLength: UnsafeMutablePointer<Int>
    // Touched per row or per line from the C callbacks only, never concurrently.
    /// The header's names, back to back, and where each ends.
    @exclusivity(unchecked) private var headerBytes: [UInt8] = []
    @exclusivity(unchecked) private var headerEnds: [Int] = []
    @exclusivity(unchecked) private(set) var header: [String] = []
    @exclusivity(unchecked) private var headerFieldCount = 0
    /// The line after the last line end reported: where the next record starts.
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var atStreamStart = true
    /// The last byte fed, or -1 before the first.
    @exclusivity(unchecked) private var lastByte: Int32 = -1
    private let delimiter: UInt8
    private let alwaysKeepingSpaces: Bool
    /// The last line end reported was a `\r`: a `\n` right after it belongs to it.
    @exclusivity(unchecked) private var afterCR = false
    @exclusivity(unchecked) private var pendingError: (any Error)?
    private let maxFieldBytes: Int
    private let maxRecordBytes: Int
    private let accept: AcceptRow
    private let reject: RejectRow
    private let onHeader: ((_ file: String, _ header: [String]) throws -> Void)?

    /// - Parameter alwaysKeepingSpaces: parse every chunk with `mfa_never_space`, never with
    ///   libcsv's default: the reference `feed`'s choice is tested against.
    init(
        file: String, dialect: CSVDialect, columns: [String], required: Set<String>,
        userIDColumn: String, prefetchInto table: UserIDHashSet? = nil, alwaysKeepingSpaces: Bool = false,
        onHeader: ((_ file: String, _ header: [String]) throws -> Void)? = nil,
        accept: @escaping AcceptRow, reject: @escaping RejectRow
    ) {
        self.onHeader = onHeader
        self.file = file
        self.sourceName = SourceName(file)
        self.columns = columns
        self.required = required.union([userIDColumn])
        self.userIDColumn = userIDColumn
        self.userIDSlot = columns.firstIndex(of: userIDColumn)!
        self.accept = accept
        self.reject = reject

        self.maxFieldBytes = max(dialect.maxFieldBytes, 1)
        self.maxRecordBytes = max(dialect.maxRecordBytes, 1)
        _ = csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL))
        csv_set_delim(parser, dialect.delimiter)
        csv_set_blk_size(parser, 4096)
        self.delimiter = dialect.delimiter
        self.alwaysKeepingSpaces = alwaysKeepingSpaces
        // RFC 4180: spaces belong to the field, quoted or not (see `feed` for when libcsv's
        // default, which trims some, may parse a chunk).
        csv_set_space_func(parser, mfa_never_space)

        let slotCount = max(columns.count, 1)
        let initialBytes = 1024
        row.initialize(to: CSVRowState())
        row.pointee.escapingDecided = dialect.auth0Escaping != .auto
        row.pointee.table = table.map { Unmanaged.passUnretained($0).toOpaque() }
        spanStart = .allocate(capacity: slotCount)
        spanStart.initialize(repeating: 0, count: slotCount)
        spanLength = .allocate(capacity: slotCount)
        spanLength.initialize(repeating: -1, count: slotCount)
        guard let bytes = POSIX.allocate(initialBytes) else { fatalError("out of memory reading \(file)") }
        fields.initialize(
            to: mfa_fields(
                field_index: 0, header_done: 0, aborted: 0, out_of_memory: 0,
                max_field: maxFieldBytes, oversized_field: 0,
                max_record: maxRecordBytes, record_bytes: 0, oversized_record: 0, line_breaks: 0,
                slot_map: nil, slot_map_count: 0,
                bytes: bytes.assumingMemoryBound(to: UInt8.self), bytes_count: 0, bytes_capacity: initialBytes,
                span_start: spanStart, span_length: spanLength,
                strip_quote: dialect.auth0Escaping == .on ? 1 : 0, quoted_slots: 0, high_bits: 0,
                key_field: -1, key_has_control: 0, header_field: exportHeaderField,
                key_field_parsed: exportUserIDParsed,
                context: UnsafeMutableRawPointer(row)))
        self.table = table
    }

    /// Kept alive for the prefetch pointer in `row`.
    private let table: UserIDHashSet?

    deinit {
        csv_free(parser)
        parser.deallocate()
        POSIX.deallocate(fields.pointee.bytes)
        spanStart.deallocate()
        spanLength.deallocate()
        fields.pointee.slot_map.map { UnsafeMutablePointer(mutating: $0).deallocate() }
        fields.deallocate()
        row.deallocate()
    }

    /// Feeds the next chunk of the input.
    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        guard var cursor = chunk.baseAddress, chunk.count > 0 else { return }
        var remaining = chunk.count
        if atStreamStart {
            atStreamStart = false
            if remaining >= 3, cursor.load(as: UInt8.self) == 0xEF,
                cursor.load(fromByteOffset: 1, as: UInt8.self) == 0xBB,
                cursor.load(fromByteOffset: 2, as: UInt8.self) == 0xBF
            {
                cursor += 3
                remaining -= 3
            }
        }
        guard remaining > 0 else { return }
        row.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        // libcsv calls the space function on the first byte of every field and on every byte of
        // an unquoted one. Where no space or tab could be trimmed, its default (no call) reads
        // the chunk the same way (`mfa_spaces_matter`).
        let keepSpaces =
            alwaysKeepingSpaces
            || mfa_spaces_matter(cursor.assumingMemoryBound(to: UInt8.self), remaining, lastByte, delimiter) != 0
        csv_set_space_func(parser, keepSpaces ? mfa_never_space : nil)
        lastByte = Int32(cursor.load(fromByteOffset: remaining - 1, as: UInt8.self))
        let parsed = csv_parse(parser, cursor, remaining, mfa_fields_add, exportRecordCallback, fields)
        try checkAfterParse()
        if parsed != remaining { throw parseFailure() }
        // A field still being collected (its end not yet fed) counts too; the quote that may
        // close it is in libcsv's buffer already.
        if _slowPath(parser.pointee.entry_pos > maxFieldBytes + 1) {
            throw fieldTooLarge(column: fields.pointee.field_index + 1)
        }
    }

    /// Throws what the callbacks found wrong during the last `csv_parse` or `csv_fini`.
    @inline(__always)
    private func checkAfterParse() throws {
        if let error = pendingError { throw error }
        if fields.pointee.oversized_field != 0 { throw fieldTooLarge(column: fields.pointee.oversized_field) }
        if _slowPath(fields.pointee.oversized_record != 0) {
            throw ExportError(
                file: file, line: row.pointee.recordStartLine, reason: .recordTooLarge(limit: maxRecordBytes))
        }
    }

    private func fieldTooLarge(column: Int) -> ExportError {
        ExportError(
            file: file, line: row.pointee.recordStartLine, reason: .fieldTooLarge(column: column, limit: maxFieldBytes))
    }

    /// Ends the input: submits a last record without a line end, reports an open quote.
    func finish() throws {
        row.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        let unterminated = csv_fini(parser, mfa_fields_add, exportRecordCallback, fields) != 0
        try checkAfterParse()
        if unterminated {
            throw ExportError(file: file, line: row.pointee.recordStartLine, reason: .unterminatedQuote)
        }
        if fields.pointee.header_done == 0 {
            throw ExportError(file: file, line: nil, reason: .emptyFile)
        }
    }

    private func parseFailure() -> ExportError {
        let status = csv_error(parser)
        if status == CSV_EPARSE {
            return ExportError(file: file, line: row.pointee.recordStartLine, reason: .malformedQuote)
        }
        let message = csv_strerror(status).map { String(cString: $0) } ?? "error \(status)"
        return ExportError(file: file, line: row.pointee.recordStartLine, reason: .parserFailure(message))
    }

    // MARK: - Callbacks from C

    fileprivate func headerField(_ data: UnsafeRawPointer?, _ length: Int) {
        guard headerEnds.count < CSVDialect.maxColumns else {
            pendingError = ExportError(
                file: file, line: row.pointee.recordStartLine, reason: .tooManyColumns(limit: CSVDialect.maxColumns))
            fields.pointee.aborted = 1
            return
        }
        if let data, length > 0 {
            headerBytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        }
        headerEnds.append(headerBytes.count)
    }

    /// A row ended at `terminator` (`\n`, `\r`, or -1 at the end of the input); a row of no
    /// fields is a line end outside any record.
    fileprivate func endRecord(terminator: Int32) {
        let fieldCount = fields.pointee.field_index
        let breaks = fields.pointee.line_breaks
        fields.pointee.field_index = 0
        if fieldCount > 0 {
            defer {
                fields.pointee.bytes_count = 0
                fields.pointee.high_bits = 0
                fields.pointee.quoted_slots = 0
                fields.pointee.key_has_control = 0
                fields.pointee.record_bytes = 0
                fields.pointee.line_breaks = 0
                row.pointee.fingerprintReady = false
                for slot in 0..<columns.count { spanLength[slot] = -1 }
            }
            // After an error the lines stay where they are: the error names this record's.
            if fields.pointee.aborted != 0 { return }
            if fields.pointee.out_of_memory != 0 { fatalError("out of memory reading \(file)") }
            do {
                if fields.pointee.header_done != 0 {
                    try dataRecord(fieldCount: fieldCount)
                } else {
                    try headerRecord()
                }
            } catch {
                pendingError = error
                fields.pointee.aborted = 1
                return
            }
        } else if fields.pointee.aborted != 0 {
            return
        }
        // The `\n` of a `\r\n` is a row of no fields right after the `\r`'s.
        let crlf = terminator == 0x0A && fieldCount == 0 && afterCR
        line += breaks + (terminator >= 0 && !crlf ? 1 : 0)
        afterCR = terminator == 0x0D
        row.pointee.recordStartLine = line
    }

    private func headerRecord() throws {
        header = try checkedHeader()
        headerBytes = []
        headerEnds = []
        headerFieldCount = header.count
        try onHeader?(file, header)
        let missing = header.isEmpty ? Array(required).sorted() : required.filter { !header.contains($0) }.sorted()
        if !missing.isEmpty {
            throw ExportError(
                file: file, line: row.pointee.recordStartLine, reason: .missingColumns(missing, header: header))
        }
        let map = UnsafeMutablePointer<Int32>.allocate(capacity: max(header.count, 1))
        map.initialize(repeating: -1, count: max(header.count, 1))
        for (slot, name) in columns.enumerated() {
            if let index = header.firstIndex(of: name) {
                map[index] = Int32(slot)
            }
        }
        fields.pointee.key_field = header.firstIndex(of: userIDColumn) ?? -1
        fields.pointee.slot_map = UnsafePointer(map)
        fields.pointee.slot_map_count = header.count
        fields.pointee.header_done = 1
    }

    /// The header's names, checked: each valid UTF-8 without control characters, no name twice.
    /// Errors name the header's line.
    private func checkedHeader() throws -> [String] {
        let line = row.pointee.recordStartLine
        var names: [String] = []
        names.reserveCapacity(headerEnds.count)
        var firstColumn: [String: Int] = [:]
        var start = 0
        for (index, end) in headerEnds.enumerated() {
            let bytes = headerBytes[start..<end]
            start = end
            let column = index + 1
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw ExportError(file: file, line: line, reason: .invalidHeader(column: column, problem: .invalidUTF8))
            }
            if let control = name.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw ExportError(
                    file: file, line: line, reason: .invalidHeader(column: column, problem: .controlCharacter(control)))
            }
            if let first = firstColumn[name] {
                throw ExportError(
                    file: file, line: line, reason: .duplicateColumn(name, first: first, second: column))
            }
            firstColumn[name] = column
            names.append(name)
        }
        return names
    }

    private func dataRecord(fieldCount: Int) throws {
        let line = row.pointee.recordStartLine
        let slots = columns.count
        let starts = spanStart
        let lengths = spanLength
        if !row.pointee.escapingDecided {
            // The first data row: copied as it was, so its `'` are stripped here; from the
            // next row on, the C callback strips them as it copies.
            row.pointee.escapingDecided = true
            let bytes = fields.pointee.bytes.unsafelyUnwrapped
            let length = spanLength[userIDSlot]
            let strip = length > 0 && bytes[spanStart[userIDSlot]] == UInt8(ascii: "'")
            fields.pointee.strip_quote = strip ? 1 : 0
            if strip {
                for slot in 0..<slots where lengths[slot] > 0 && bytes[starts[slot]] == UInt8(ascii: "'") {
                    starts[slot] += 1
                    lengths[slot] -= 1
                    if slot < 63 { fields.pointee.quoted_slots |= 1 << UInt64(slot) }
                }
            }
        }
        let record = ExportRecord(
            source: sourceName, line: line, count: slots, base: fields.pointee.bytes.unsafelyUnwrapped,
            extent: fields.pointee.bytes_count, starts: starts, lengths: lengths,
            quoting: ValueQuoting(escaped: fields.pointee.strip_quote != 0, quotedSlots: fields.pointee.quoted_slots))
        let userIDBytes = record.bytes(userIDSlot)
        // The C callback ORs the kept bytes as it copies them: when they are ASCII (the usual
        // case), every value is valid UTF-8 and the per-column checks below are skipped.
        let allASCII = mfa_fields_ascii(fields) != 0
        let userIDValid = userIDBytes.map { allASCII || $0.isValidUTF8 } ?? false
        if fieldCount != headerFieldCount {
            try reject(
                line, userIDValid ? record.string(userIDSlot) : nil,
                .fieldCount(expected: headerFieldCount, found: fieldCount))
            return
        }
        guard let userIDBytes, userIDValid else {
            try reject(line, nil, .invalidUTF8(column: userIDColumn))
            return
        }
        for slot in 0..<slots where slot != userIDSlot {
            if !allASCII, let bytes = record.bytes(slot), !bytes.isValidUTF8 {
                try reject(line, record.string(userIDSlot), .invalidUTF8(column: columns[slot]))
                return
            }
        }
        if userIDBytes.isEmpty {
            try reject(line, nil, .emptyUserID(column: userIDColumn))
            return
        }
        if _slowPath(fields.pointee.key_has_control != 0) {
            try reject(line, record.string(userIDSlot), .controlCharacterInUserID(column: userIDColumn))
            return
        }
        // `.` and `..` would name another path than the user's once in a URL.
        if _slowPath(userIDBytes.count <= 2 && userIDBytes.allSatisfy { $0 == UInt8(ascii: ".") }) {
            try reject(line, record.string(userIDSlot), .unroutableUserID(column: userIDColumn))
            return
        }
        let fingerprint =
            row.pointee.fingerprintReady
            ? row.pointee.fingerprint : UserIDFingerprint(UnsafeRawBufferPointer(userIDBytes))
        try accept(record, fingerprint)
    }
}
