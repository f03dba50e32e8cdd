#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibCSV

/// State touched on every libcsv field callback. It lives in one raw allocation so the C
/// callbacks reach it without reference counting, exclusivity checks or closures.
struct CSVHotState {
    /// Index of the next field within the current record.
    var fieldIndex: Int = 0
    /// Set once the header record has been read; before that fields go to the slow path.
    var headerDone: Bool = false
    /// Set after an error: the remaining callbacks of the current `csv_parse` call do nothing.
    var aborted: Bool = false
    /// Field index → slot (index into the requested columns), -1 for fields not materialized.
    var slotMap: UnsafeMutablePointer<Int32>? = nil
    var slotMapCount: Int = 0
    /// The materialized fields of the current record, back to back.
    var bytes: UnsafeMutablePointer<UInt8>
    var bytesCount: Int = 0
    var bytesCapacity: Int
    /// Per slot: start in `bytes` and length, length -1 when the record had no such field.
    var spanStart: UnsafeMutablePointer<Int>
    var spanLength: UnsafeMutablePointer<Int>
    /// Physical line (1-based) where the current record starts.
    var recordStartLine: Int = 1
    /// `Unmanaged<ExportCSVParser>` for the per-record callback.
    var owner: UnsafeMutableRawPointer? = nil
    /// Field index of the user id column (-1 until the header is read).
    var userIDField: Int = -1
    /// Whether Auth0's `'` is stripped; `escapingDecided` false until the first data row.
    var stripQuote: Bool = false
    var escapingDecided: Bool = false
    /// The current record's user id fingerprint, computed as soon as its field is parsed.
    var fingerprint = UserIDFingerprint(high: 0, low: 0)
    var fingerprintReady: Bool = false
    /// `Unmanaged<UserIDHashSet>` to prefetch into, or nil.
    var table: UnsafeMutableRawPointer? = nil
}

private func exportFieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    let state = context.unsafelyUnwrapped.assumingMemoryBound(to: CSVHotState.self)
    let index = state.pointee.fieldIndex
    state.pointee.fieldIndex = index &+ 1
    guard _fastPath(state.pointee.headerDone) else {
        if !state.pointee.aborted {
            Unmanaged<ExportCSVParser>.fromOpaque(state.pointee.owner.unsafelyUnwrapped)
                .takeUnretainedValue().headerField(data, length)
        }
        return
    }
    guard index < state.pointee.slotMapCount else { return }
    let slot = Int(state.pointee.slotMap.unsafelyUnwrapped[index])
    guard slot >= 0 else { return }
    var count = state.pointee.bytesCount
    if count &+ length > state.pointee.bytesCapacity {
        var capacity = state.pointee.bytesCapacity
        while count &+ length > capacity { capacity &*= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: state.pointee.bytes, count: count)
        state.pointee.bytes.deallocate()
        state.pointee.bytes = grown
        state.pointee.bytesCapacity = capacity
    }
    if length > 0 {
        (state.pointee.bytes + count).update(from: data.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self), count: length)
    }
    state.pointee.spanStart[slot] = count
    state.pointee.spanLength[slot] = length
    if index == state.pointee.userIDField && state.pointee.escapingDecided {
        var start = UnsafeRawPointer(state.pointee.bytes + count)
        var idLength = length
        if state.pointee.stripQuote && idLength > 0 && start.load(as: UInt8.self) == UInt8(ascii: "'") {
            start += 1
            idLength -= 1
        }
        let fingerprint = UserIDFingerprint(UnsafeRawBufferPointer(start: start, count: idLength))
        state.pointee.fingerprint = fingerprint
        state.pointee.fingerprintReady = true
        if let table = state.pointee.table {
            Unmanaged<UserIDHashSet>.fromOpaque(table)._withUnsafeGuaranteedRef { $0.prefetch(fingerprint) }
        }
    }
    count &+= length
    state.pointee.bytesCount = count
}

private func exportRecordCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    let state = context.unsafelyUnwrapped.assumingMemoryBound(to: CSVHotState.self)
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
    private let escapingSetting: Auth0Escaping

    private var parser = UnsafeMutablePointer<csv_parser>.allocate(capacity: 1)
    private let hot = UnsafeMutablePointer<CSVHotState>.allocate(capacity: 1)
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
        self.escapingSetting = dialect.auth0Escaping
        self.accept = accept
        self.reject = reject

        _ = csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        csv_set_delim(parser, dialect.delimiter)
        csv_set_blk_size(parser, 4096)

        let slotCount = max(columns.count, 1)
        let initialBytes = 1024
        hot.initialize(to: CSVHotState(
            bytes: .allocate(capacity: initialBytes),
            bytesCapacity: initialBytes,
            spanStart: .allocate(capacity: slotCount),
            spanLength: .allocate(capacity: slotCount)
        ))
        hot.pointee.spanStart.initialize(repeating: 0, count: slotCount)
        hot.pointee.spanLength.initialize(repeating: -1, count: slotCount)
        if dialect.auth0Escaping != .auto {
            hot.pointee.escapingDecided = true
            hot.pointee.stripQuote = dialect.auth0Escaping == .on
        }
        hot.pointee.table = table.map { Unmanaged.passUnretained($0).toOpaque() }
        self.table = table
    }

    /// Kept alive for the prefetch pointer in `hot`.
    private let table: UserIDHashSet?

    deinit {
        csv_free(parser)
        parser.deallocate()
        hot.pointee.bytes.deallocate()
        hot.pointee.spanStart.deallocate()
        hot.pointee.spanLength.deallocate()
        hot.pointee.slotMap?.deallocate()
        hot.deallocate()
    }

    /// Feeds the next chunk of the input.
    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        guard var cursor = chunk.baseAddress, chunk.count > 0 else { return }
        var remaining = chunk.count
        if atStreamStart {
            atStreamStart = false
            if remaining >= 3, cursor.load(as: UInt8.self) == 0xEF,
               cursor.load(fromByteOffset: 1, as: UInt8.self) == 0xBB,
               cursor.load(fromByteOffset: 2, as: UInt8.self) == 0xBF {
                cursor += 3
                remaining -= 3
            }
        }
        hot.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        while remaining > 0 {
            if atLineStart {
                atLineStart = false
                if parser.pointee.pstate == 0 {  // ROW_NOT_BEGUN in libcsv.c
                    hot.pointee.recordStartLine = line
                }
            }
            let newline = memchr(cursor, 0x0A, remaining)
            let length = newline.map { cursor.distance(to: UnsafeRawPointer($0)) + 1 } ?? remaining
            let parsed = csv_parse(parser, cursor, length, exportFieldCallback, exportRecordCallback, hot)
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
        hot.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        if csv_fini(parser, exportFieldCallback, exportRecordCallback, hot) != 0 {
            throw ExportError(file: file, line: hot.pointee.recordStartLine, reason: .unterminatedQuote)
        }
        if let error = pendingError { throw error }
        if !hot.pointee.headerDone {
            throw ExportError(file: file, line: nil, reason: .emptyFile)
        }
    }

    private func parseFailure() -> ExportError {
        let status = csv_error(parser)
        if status == CSV_EPARSE {
            return ExportError(file: file, line: hot.pointee.recordStartLine, reason: .malformedQuote)
        }
        let message = csv_strerror(status).map { String(cString: $0) } ?? "error \(status)"
        return ExportError(file: file, line: hot.pointee.recordStartLine, reason: .parserFailure(message))
    }

    // MARK: - Callbacks from C

    fileprivate func headerField(_ data: UnsafeMutableRawPointer?, _ length: Int) {
        if let data, length > 0 {
            headerFields.append(Array(UnsafeRawBufferPointer(start: data, count: length)))
        } else {
            headerFields.append([])
        }
    }

    fileprivate func endRecord() {
        let fieldCount = hot.pointee.fieldIndex
        hot.pointee.fieldIndex = 0
        defer {
            hot.pointee.bytesCount = 0
            hot.pointee.fingerprintReady = false
            for slot in 0..<columns.count { hot.pointee.spanLength[slot] = -1 }
        }
        if hot.pointee.aborted { return }
        do {
            if hot.pointee.headerDone {
                try dataRecord(fieldCount: fieldCount)
            } else {
                try headerRecord()
            }
        } catch {
            pendingError = error
            hot.pointee.aborted = true
        }
    }

    private func headerRecord() throws {
        header = headerFields.map { String(decoding: $0, as: UTF8.self) }
        headerFields = []
        headerFieldCount = header.count
        try onHeader?(file, header)
        let missing = header.isEmpty ? Array(required).sorted() : required.filter { !header.contains($0) }.sorted()
        if !missing.isEmpty {
            throw ExportError(file: file, line: hot.pointee.recordStartLine, reason: .missingColumns(missing, header: header))
        }
        let map = UnsafeMutablePointer<Int32>.allocate(capacity: max(header.count, 1))
        map.initialize(repeating: -1, count: max(header.count, 1))
        for (slot, name) in columns.enumerated() {
            if let index = header.firstIndex(of: name) {
                map[index] = Int32(slot)
            }
        }
        hot.pointee.userIDField = header.firstIndex(of: userIDColumn) ?? -1
        hot.pointee.slotMap = map
        hot.pointee.slotMapCount = header.count
        hot.pointee.headerDone = true
    }

    private func dataRecord(fieldCount: Int) throws {
        let line = hot.pointee.recordStartLine
        if !hot.pointee.escapingDecided {
            hot.pointee.escapingDecided = true
            switch escapingSetting {
            case .on: hot.pointee.stripQuote = true
            case .off: hot.pointee.stripQuote = false
            case .auto:
                let length = hot.pointee.spanLength[userIDSlot]
                hot.pointee.stripQuote = length > 0 && hot.pointee.bytes[hot.pointee.spanStart[userIDSlot]] == UInt8(ascii: "'")
            }
        }
        let slots = columns.count
        let starts = hot.pointee.spanStart
        let lengths = hot.pointee.spanLength
        if hot.pointee.stripQuote {
            let bytes = hot.pointee.bytes
            for slot in 0..<slots where lengths[slot] > 0 && bytes[starts[slot]] == UInt8(ascii: "'") {
                starts[slot] += 1
                lengths[slot] -= 1
            }
        }
        let record = ExportRecord(
            source: sourceName, line: line, count: slots, base: hot.pointee.bytes, starts: starts, lengths: lengths)
        let userIDBytes = record.bytes(userIDSlot)
        let userIDValid = userIDBytes?.isValidUTF8 ?? false
        if fieldCount != headerFieldCount {
            try reject(line, userIDValid ? record.string(userIDSlot) : nil,
                       .fieldCount(expected: headerFieldCount, found: fieldCount))
            return
        }
        guard let userIDBytes, userIDValid else {
            try reject(line, nil, .invalidUTF8(column: userIDColumn))
            return
        }
        for slot in 0..<slots where slot != userIDSlot {
            if let bytes = record.bytes(slot), !bytes.isValidUTF8 {
                try reject(line, record.string(userIDSlot), .invalidUTF8(column: columns[slot]))
                return
            }
        }
        if userIDBytes.isEmpty {
            try reject(line, nil, .emptyUserID(column: userIDColumn))
            return
        }
        let fingerprint = hot.pointee.fingerprintReady
            ? hot.pointee.fingerprint : UserIDFingerprint(UnsafeRawBufferPointer(userIDBytes))
        try accept(record, fingerprint)
    }
}
