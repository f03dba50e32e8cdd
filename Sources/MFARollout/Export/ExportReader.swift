/// Reads user export CSVs (Auth0 `.csv.gz` exports, plain CSVs, standard input) as a stream
/// of rows, through libcsv, in fixed-size chunks.
///
/// Memory does not grow with the input, except for duplicate detection (16–30 bytes per
/// user id, see `UserIDHashSet`) and the list of rejected rows in skip mode.
///
/// Problems are reported with the input's name and the physical line where the offending
/// record starts. Row-level problems (field count, invalid UTF-8 in a requested column,
/// empty or duplicate user id) are skipped and reported when an `onRejected` handler is
/// given; without one the first such problem is thrown. File-level problems (cannot open,
/// empty, missing column, bad gzip, malformed or unterminated quote) always throw.
package struct ExportReader {
    package var sources: [ExportSource]
    package var dialect: CSVDialect
    package var userIDColumn: String
    package var chunkSize: Int

    package init(
        sources: [ExportSource], dialect: CSVDialect = .init(), userIDColumn: String = "user_id",
        chunkSize: Int = 64 * 1024
    ) {
        self.sources = sources
        self.dialect = dialect
        self.userIDColumn = userIDColumn
        self.chunkSize = max(chunkSize, 16)
    }

    /// Reads every source in order and hands each accepted row to `onRow` as strings.
    ///
    /// The same as `readRecords`, with each record's values turned into `String`s.
    package func read(
        columns: [String], required: Set<String>,
        onRejected: ((RejectedRow) throws -> Void)? = nil,
        onHeader: ((_ file: String, _ header: [String]) throws -> Void)? = nil,
        onRow: (ExportRow) throws -> Void
    ) throws -> ExportReadSummary {
        try readRecords(columns: columns, required: required, onRejected: onRejected, onHeader: onHeader) { record in
            try onRow(ExportRow(file: record.file, line: record.line, values: record.strings))
        }
    }

    /// Reads every source in order and hands each accepted row to `onRecord` as bytes.
    ///
    /// - Parameters:
    ///   - columns: the column names to copy out of each row, in the order of
    ///     `ExportRecord`'s slots; must contain `userIDColumn` and no name twice. Other
    ///     columns are skipped inside libcsv's callback.
    ///   - required: names that must be in every input's header (`userIDColumn` always is).
    ///   - onRejected: when given, rows with row-level problems are skipped and reported here.
    ///     Rejections are delivered after the last row has been read, in input order, so that
    ///     every duplicate can name its first occurrence with a single extra pass over the
    ///     file inputs (standard input cannot be re-read: a duplicate of an id first seen
    ///     there says "already seen earlier in the input").
    ///   - onHeader: called with each input's name and header row before its rows are read
    ///     and before `required` is checked, so a caller can check columns with its own,
    ///     more precise errors (the policy names the rule that reads a missing column).
    ///   - expectedLineCount: the inputs' line count as `estimatedLineCount()` gave it, for a
    ///     caller that needed it first (duplicate detection is sized by it); nil to estimate.
    ///   - onRecord: called once per accepted row; the record is valid only during the call.
    /// - Throws: `ExportError`, or what a callback threw. When it throws, rows already
    ///   delivered must be discarded by the caller: the read as a whole failed.
    /// - Returns: counts, input names and the SHA-256 of each input's bytes.
    package func readRecords(
        columns: [String], required: Set<String>,
        onRejected: ((RejectedRow) throws -> Void)? = nil,
        onHeader: ((_ file: String, _ header: [String]) throws -> Void)? = nil,
        expectedLineCount: Int? = nil,
        onRecord: (ExportRecord) throws -> Void
    ) throws -> ExportReadSummary {
        try withoutActuallyEscaping(onRecord) { onRecord in
            try readAll(
                columns: columns, required: required, onRejected: onRejected, onHeader: onHeader,
                expectedLineCount: expectedLineCount ?? estimatedLineCount(), onRecord: onRecord)
        }
    }

    /// About how many lines the file inputs hold together (0 for those that cannot be
    /// estimated: standard input, gzip), from their sizes and first 64 KiB.
    package func estimatedLineCount() -> Int {
        sources.reduce(0) { $0 + (ExportInput(source: $1, chunkSize: chunkSize).estimatedLineCount() ?? 0) }
    }

    private func readAll(
        columns: [String], required: Set<String>,
        onRejected: ((RejectedRow) throws -> Void)?,
        onHeader: ((_ file: String, _ header: [String]) throws -> Void)?,
        expectedLineCount: Int,
        onRecord: @escaping (ExportRecord) throws -> Void
    ) throws -> ExportReadSummary {
        precondition(columns.contains(userIDColumn), "columns must include the user id column '\(userIDColumn)'")
        precondition(Set(columns).count == columns.count, "columns must not repeat a name")
        let session = ReadSession(
            reader: self, columns: columns, required: required, expectedLineCount: expectedLineCount,
            onRejected: onRejected, onRecord: onRecord)
        for (sourceIndex, source) in sources.enumerated() {
            let name = source.displayName
            session.summary.files.append(name)
            session.file = name
            session.sourceIndex = sourceIndex
            let parser = ExportCSVParser(
                file: name, dialect: dialect, columns: columns, required: required, userIDColumn: userIDColumn,
                prefetchInto: session.seen,
                onHeader: onHeader,
                // `session` outlives `parser` (both end with this call); unmanaged, it costs no
                // reference count per row.
                accept: { [session = Unmanaged.passUnretained(session)] record, fingerprint in
                    try session._withUnsafeGuaranteedRef { try $0.accept(record, fingerprint: fingerprint) }
                },
                reject: { [unowned session] line, userID, reason in
                    try session.reject(line: line, userID: userID, reason: reason)
                })
            let input = ExportInput(source: source, chunkSize: chunkSize)
            let digest = try input.stream(hashing: true) { try parser.feed($0) }
            try parser.finish()
            session.summary.sha256[name] = digest
        }
        return try session.deliverRejections()
    }

    /// Re-reads the file inputs `0...last` (standard input cannot be re-read) and returns where
    /// each fingerprint was first accepted. The same checks as the first pass decide which rows
    /// are accepted, so the first accepted row with a fingerprint is the first occurrence.
    /// Returns what it found if an input cannot be read again.
    func locateFirstOccurrences(
        of wanted: Set<UserIDFingerprint>, columns: [String], required: Set<String>, through last: Int
    ) -> [UserIDFingerprint: ExportLocation] {
        var found: [UserIDFingerprint: ExportLocation] = [:]
        struct AllFound: Error {}
        for source in sources.prefix(last + 1) {
            guard case .file = source else { continue }
            let name = source.displayName
            let parser = ExportCSVParser(
                file: name, dialect: dialect, columns: columns, required: required, userIDColumn: userIDColumn,
                accept: { record, fingerprint in
                    if wanted.contains(fingerprint) && found[fingerprint] == nil {
                        found[fingerprint] = ExportLocation(file: name, line: record.line)
                        if found.count == wanted.count { throw AllFound() }
                    }
                },
                reject: { _, _, _ in })
            do {
                try ExportInput(source: source, chunkSize: chunkSize).stream(hashing: false) { try parser.feed($0) }
                try parser.finish()
            } catch is AllFound {
                return found
            } catch {
                continue
            }
        }
        return found
    }
}

/// The state of one `ExportReader.read`: ids seen, counts, rejections held for the end.
/// A class so the per-row callbacks reach it without captured-variable boxes.
private final class ReadSession {
    let reader: ExportReader
    let columns: [String]
    let required: Set<String>
    let onRejected: ((RejectedRow) throws -> Void)?
    let onRecord: (ExportRecord) throws -> Void
    let seen: UserIDHashSet
    @exclusivity(unchecked) var summary = ExportReadSummary()
    @exclusivity(unchecked) var deferred: [PendingRejection] = []
    @exclusivity(unchecked) var duplicates: Set<UserIDFingerprint> = []
    @exclusivity(unchecked) var file = ""
    @exclusivity(unchecked) var sourceIndex = 0
    let userIDSlot: Int

    init(
        reader: ExportReader, columns: [String], required: Set<String>, expectedLineCount lines: Int,
        onRejected: ((RejectedRow) throws -> Void)?, onRecord: @escaping (ExportRecord) throws -> Void
    ) {
        self.reader = reader
        self.columns = columns
        self.required = required
        self.onRejected = onRejected
        self.onRecord = onRecord
        // Room for every estimated id at under 80 % load.
        self.seen = UserIDHashSet(minimumCapacity: max(1024, lines + lines / 3))
        self.userIDSlot = columns.firstIndex(of: reader.userIDColumn)!
    }

    func accept(_ record: ExportRecord, fingerprint: UserIDFingerprint) throws {
        if _slowPath(!seen.insert(fingerprint)) {
            let line = record.line
            let userID = record.string(userIDSlot)!
            if onRejected == nil {
                let first = reader.locateFirstOccurrences(
                    of: [fingerprint], columns: columns, required: required, through: sourceIndex)
                throw ExportError(
                    file: file, line: line, reason: .duplicateUserID(userID, firstSeen: first[fingerprint]))
            }
            duplicates.insert(fingerprint)
            deferred.append(
                PendingRejection(
                    file: file, line: line, userID: userID, reason: .duplicateUserID(userID, firstSeen: nil),
                    fingerprint: fingerprint, sourceIndex: sourceIndex))
            return
        }
        summary.rows += 1
        try onRecord(record)
    }

    func reject(line: Int, userID: String?, reason: ExportError.Reason) throws {
        if onRejected == nil {
            throw ExportError(file: file, line: line, reason: reason)
        }
        deferred.append(
            PendingRejection(
                file: file, line: line, userID: userID, reason: reason, fingerprint: nil, sourceIndex: sourceIndex))
    }

    /// Locates first occurrences of duplicates in one extra pass, then reports every rejection.
    func deliverRejections() throws -> ExportReadSummary {
        guard let onRejected else { return summary }
        var firstSeen: [UserIDFingerprint: ExportLocation] = [:]
        if !duplicates.isEmpty {
            let last = deferred.last { $0.fingerprint != nil }?.sourceIndex ?? reader.sources.count - 1
            firstSeen = reader.locateFirstOccurrences(
                of: duplicates, columns: columns, required: required, through: last)
        }
        for pending in deferred {
            var reason = pending.reason
            if let fingerprint = pending.fingerprint, case .duplicateUserID(let id, _) = reason {
                reason = .duplicateUserID(id, firstSeen: firstSeen[fingerprint])
            }
            summary.rejected += 1
            try onRejected(
                RejectedRow(file: pending.file, line: pending.line, userID: pending.userID, reason: reason.description))
        }
        return summary
    }
}

/// A rejection held until the end of a read (see `ExportReader.read`).
private struct PendingRejection {
    var file: String
    var line: Int
    var userID: String?
    var reason: ExportError.Reason
    var fingerprint: UserIDFingerprint?
    var sourceIndex: Int
}
