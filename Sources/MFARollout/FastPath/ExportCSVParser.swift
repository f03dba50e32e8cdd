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
        ._withUnsafeGuaranteedRef { $0.endRecord() }
}

/// Parses one input's CSV with libcsv, tracking physical line numbers, and turns records
/// into validated rows of the requested columns.
///
/// Line tracking: data is fed to `csv_parse` one physical line (up to and including `\n`,
/// found with `memchr`) at a time. When a line begins while libcsv is between records, that
/// line is where the next record starts; a quoted field that spans lines keeps the start
/// line of its record, and blank lines are skipped by libcsv without disturbing the count.
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
    @exclusivity(unchecked) private var headerFields: [[UInt8]] = []
    @exclusivity(unchecked) private(set) var header: [String] = []
    @exclusivity(unchecked) private var headerFieldCount = 0
    @exclusivity(unchecked) private var line = 1
    @exclusivity(unchecked) private var atLineStart = true
    @exclusivity(unchecked) private var atStreamStart = true
    @exclusivity(unchecked) private var pendingError: (any Error)?
    private let accept: AcceptRow
    private let reject: RejectRow
    private let onHeader: ((_ file: String, _ header: [String]) throws -> Void)?

    init(
        file: String, dialect: CSVDialect, columns: [String], required: Set<String>,
        userIDColumn: String, prefetchInto table: UserIDHashSet? = nil,
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

        _ = csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        csv_set_delim(parser, dialect.delimiter)
        csv_set_blk_size(parser, 4096)

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
                slot_map: nil, slot_map_count: 0,
                bytes: bytes.assumingMemoryBound(to: UInt8.self), bytes_count: 0, bytes_capacity: initialBytes,
                span_start: spanStart, span_length: spanLength,
                strip_quote: dialect.auth0Escaping == .on ? 1 : 0, quoted_slots: 0, high_bits: 0,
                key_field: -1, header_field: exportHeaderField, key_field_parsed: exportUserIDParsed,
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
        row.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        while remaining > 0 {
            if atLineStart {
                atLineStart = false
                if parser.pointee.pstate == 0 {  // ROW_NOT_BEGUN in libcsv.c
                    row.pointee.recordStartLine = line
                }
            }
            let newline = POSIX.find(0x0A, in: cursor, count: remaining)
            let length = newline.map { cursor.distance(to: UnsafeRawPointer($0)) + 1 } ?? remaining
            let parsed = csv_parse(parser, cursor, length, mfa_fields_add, exportRecordCallback, fields)
            if let error = pendingError { throw error }
            if parsed != length { throw parseFailure() }
            if newline != nil {
                line += 1
                atLineStart = true
            }
            cursor += length
            remaining -= length
        }
    }

    /// Ends the input: submits a last record without a line end, reports an open quote.
    func finish() throws {
        row.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        if csv_fini(parser, mfa_fields_add, exportRecordCallback, fields) != 0 {
            throw ExportError(file: file, line: row.pointee.recordStartLine, reason: .unterminatedQuote)
        }
        if let error = pendingError { throw error }
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
        if let data, length > 0 {
            headerFields.append(Array(UnsafeRawBufferPointer(start: data, count: length)))
        } else {
            headerFields.append([])
        }
    }

    fileprivate func endRecord() {
        let fieldCount = fields.pointee.field_index
        fields.pointee.field_index = 0
        defer {
            fields.pointee.bytes_count = 0
            fields.pointee.high_bits = 0
            fields.pointee.quoted_slots = 0
            row.pointee.fingerprintReady = false
            for slot in 0..<columns.count { spanLength[slot] = -1 }
        }
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
        }
    }

    private func headerRecord() throws {
        header = headerFields.map { String(decoding: $0, as: UTF8.self) }
        headerFields = []
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
        let fingerprint =
            row.pointee.fingerprintReady
            ? row.pointee.fingerprint : UserIDFingerprint(UnsafeRawBufferPointer(userIDBytes))
        try accept(record, fingerprint)
    }
}
