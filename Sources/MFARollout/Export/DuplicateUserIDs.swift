/// Duplicate user ids across one read of the exports, and the rows the read rejected, held in
/// input order until the read ends.
///
/// `ExportReader.readRecords` checks each row as it reads it. A caller that hands rows to
/// another thread (the planner's `DecisionPipeline`) can pass a `DuplicateUserIDs` of its own to
/// `readRecords` and check there instead: it calls `admit` for every row delivered, in the order
/// delivered, which takes the fingerprint and the table lookup off the reading thread; then,
/// once reading and checking are over, `finish`. Rows rejected by the reader and duplicates found
/// by `admit` are kept in two lists, each touched by one thread, and merged in input order by
/// `finish`, so the rejections come out as from a read that checked as it went.
package final class DuplicateUserIDs: @unchecked Sendable {
    /// Every accepted user id's fingerprint (see `UserIDHashSet`).
    let seen: UserIDHashSet
    // Set by `readRecords` before any row is read.
    private var reader: ExportReader?
    private var columns: [String] = []
    private var required: Set<String> = []
    private(set) var userIDSlot = 0
    /// Rejected rows are held for `onRejected`; without it, the first problem is thrown.
    private(set) var skipping = false
    /// Rows the reader rejected, in input order; touched by the reading thread only.
    @exclusivity(unchecked) private var rejectedByReader: [PendingRejection] = []
    /// Duplicates `admit` found, in input order; touched by the admitting thread only.
    @exclusivity(unchecked) private var rejectedAsDuplicates: [PendingRejection] = []
    @exclusivity(unchecked) private var duplicates: Set<UserIDFingerprint> = []

    /// Room for `expectedLineCount` ids at under 80 % load (it grows past that).
    package init(expectedLineCount lines: Int) {
        seen = UserIDHashSet(minimumCapacity: max(1024, lines + lines / 3))
    }

    /// What `readRecords` tells the check before reading: how to find first occurrences again,
    /// and whether rejected rows are held (`skipping`) or thrown.
    func bind(reader: ExportReader, columns: [String], required: Set<String>, skipping: Bool) {
        self.reader = reader
        self.columns = columns
        self.required = required
        self.skipping = skipping
        userIDSlot = columns.firstIndex(of: reader.userIDColumn)!
    }

    /// The fingerprint of `record`'s user id (which the reader has checked is there).
    @inline(__always)
    func fingerprint(_ record: ExportRecord) -> UserIDFingerprint {
        UserIDFingerprint(UnsafeRawBufferPointer(record.bytes(userIDSlot)!))
    }

    /// Whether `record` is the first row with its user id. A later one is held as rejected when
    /// skipping, else thrown, naming the first (found by re-reading the file inputs).
    @inline(__always)
    func admit(_ record: ExportRecord, fingerprint: UserIDFingerprint) throws(ExportError) -> Bool {
        if _fastPath(seen.insert(fingerprint)) { return true }
        let userID = record.string(userIDSlot)!
        guard skipping else {
            let first = reader?.locateFirstOccurrences(
                of: [fingerprint], columns: columns, required: required, through: record.sourceIndex)
            throw ExportError(
                file: record.file, line: record.line, reason: .duplicateUserID(userID, firstSeen: first?[fingerprint]))
        }
        duplicates.insert(fingerprint)
        rejectedAsDuplicates.append(
            PendingRejection(
                file: record.file, line: record.line, userID: userID, reason: .duplicateUserID(userID, firstSeen: nil),
                fingerprint: fingerprint, sourceIndex: record.sourceIndex))
        return false
    }

    /// `admit` with the fingerprint made here.
    package func admit(_ record: ExportRecord) throws(ExportError) -> Bool {
        try admit(record, fingerprint: fingerprint(record))
    }

    /// Holds a row the reader rejected (when skipping).
    func rejectedByReader(_ rejection: PendingRejection) {
        rejectedByReader.append(rejection)
    }

    /// Every rejection, in input order, each duplicate naming its first occurrence (found in
    /// one extra pass over the file inputs), handed to `onRejected`; returns how many.
    package func finish(onRejected: (RejectedRow) throws -> Void) rethrows -> Int {
        var firstSeen: [UserIDFingerprint: ExportLocation] = [:]
        if let last = rejectedAsDuplicates.last, let reader {
            firstSeen = reader.locateFirstOccurrences(
                of: duplicates, columns: columns, required: required, through: last.sourceIndex)
        }
        // Both lists are in input order, and a row is in one at most: merged by place.
        let byReader = rejectedByReader
        let asDuplicates = rejectedAsDuplicates
        var (left, right) = (0, 0)
        while left < byReader.count || right < asDuplicates.count {
            let pending: PendingRejection
            if right == asDuplicates.count
                || (left < byReader.count
                    && (byReader[left].sourceIndex, byReader[left].line)
                        < (asDuplicates[right].sourceIndex, asDuplicates[right].line))
            {
                pending = byReader[left]
                left += 1
            } else {
                pending = asDuplicates[right]
                right += 1
            }
            var reason = pending.reason
            if let fingerprint = pending.fingerprint, case .duplicateUserID(let id, _) = reason {
                reason = .duplicateUserID(id, firstSeen: firstSeen[fingerprint])
            }
            try onRejected(
                RejectedRow(file: pending.file, line: pending.line, userID: pending.userID, reason: reason.description))
        }
        return byReader.count + asDuplicates.count
    }
}

/// A rejection held until the end of a read (see `DuplicateUserIDs`).
struct PendingRejection {
    var file: String
    var line: Int
    var userID: String?
    var reason: ExportError.Reason
    var fingerprint: UserIDFingerprint?
    var sourceIndex: Int
}
