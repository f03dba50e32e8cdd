import Foundation
import GRDB
import MFARollout

/// The apply journal: one SQLite file (GRDB, WAL, `synchronous = FULL`) bound to one plan's
/// fingerprint, recording every operation's status before and after each request.
///
/// Because each status change is committed (and fsynced) before the run moves on, a run
/// killed at any moment loses nothing: the next run finds `done` operations and never sends
/// them again, and re-sends `in-flight` ones (a PATCH of one key is idempotent).
///
/// An operation gets its row when it is first sent (``markInFlight(_:_:)``): an operation with
/// no row is `pending`. So a new journal is created at once whatever the plan's size, and
/// counts read only the rows of operations a run has touched. Journals of schema 1 hold a row
/// for every operation from the start; they are read the same way.
package final class ApplyJournal: Sendable {
    /// Schema version written in `meta`: 2 creates rows lazily and records `operation_count`.
    package static let schemaVersion = "2"

    package let path: String
    /// The fingerprint of the plan this journal belongs to.
    package let fingerprint: String
    /// The tenant (canonical) the plan is applied to; nil for a journal opened read-only
    /// that records none.
    package let tenant: String?
    /// How many operations the plan holds: those without a row are pending.
    package let operationCount: Int
    private let pool: DatabasePool
    /// The `.lock` file's lock, held while a run owns the journal.
    private let lock: RunLock?

    private init(
        path: String, fingerprint: String, tenant: String?, operationCount: Int, pool: DatabasePool,
        lock: RunLock? = nil
    ) {
        self.path = path
        self.fingerprint = fingerprint
        self.tenant = tenant
        self.operationCount = operationCount
        self.pool = pool
        self.lock = lock
    }

    deinit {
        lock?.release()
    }

    /// `plan.json.journal.sqlite` beside the plan.
    package static func defaultPath(forPlan planPath: String) -> String {
        planPath + ".journal.sqlite"
    }

    /// Opens the journal of `plan` applied to `tenant` (canonical) at `path`, creating it
    /// (every operation `pending`, no row yet) when there is none.
    /// - Throws: ``JournalError/boundToAnotherPlan(path:journalFingerprint:planFingerprint:)``
    ///   when the file belongs to another plan, ``JournalError/boundToAnotherTenant(path:journalTenant:tenant:)``
    ///   when it records another tenant, ``JournalError/notAJournal(path:reason:)`` when it
    ///   records another number of operations or rows the plan does not hold.
    package static func open(path: String, plan: some PlanOperationSource, tenant: String) throws(JournalError)
        -> ApplyJournal
    {
        let fingerprint = plan.outline.fingerprint
        let operationCount = plan.outline.operationCount
        let flagLocation = plan.outline.flag.location
        let lock = try lockExclusively(path + ".lock")
        do {
            let pool = try connect(path: path)
            try pool.write { db in
                try createSchema(db)
                let recorded = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'fingerprint'")
                if let recorded {
                    guard recorded == fingerprint else {
                        throw JournalError.boundToAnotherPlan(
                            path: path, journalFingerprint: recorded, planFingerprint: fingerprint)
                    }
                    let recordedTenant = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'tenant'")
                    guard recordedTenant == tenant else {
                        throw JournalError.boundToAnotherTenant(
                            path: path, journalTenant: recordedTenant ?? "(none)", tenant: tenant)
                    }
                    let count = try recordedOperationCount(db, path: path)
                    guard count == operationCount else {
                        throw JournalError.notAJournal(
                            path: path, reason: "it records \(count) operations, the plan has \(operationCount)")
                    }
                    let beyond =
                        try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM operation").map { $0 >= count } ?? false
                    guard !beyond else {
                        throw JournalError.notAJournal(
                            path: path, reason: "it records an operation beyond the plan's \(operationCount)")
                    }
                    try createIndexes(db)
                    return
                }
                let now = Self.timestamp()
                for (key, value) in [
                    ("schema_version", schemaVersion), ("fingerprint", fingerprint), ("tenant", tenant),
                    ("flag_location", flagLocation), ("operation_count", String(operationCount)), ("created_at", now),
                ] {
                    try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
                }
                try createIndexes(db)
            }
            return ApplyJournal(
                path: path, fingerprint: fingerprint, tenant: tenant, operationCount: operationCount, pool: pool,
                lock: lock)
        } catch {
            lock.release()
            switch error {
            case let error as JournalError: throw error
            default: throw .database(path: path, reason: Self.describe(error))
            }
        }
    }

    /// Opens an existing journal for reading (`status`, `undo`), checking it belongs to `plan`.
    package static func openExisting(path: String, plan: some PlanOperationSource) throws(JournalError)
        -> ApplyJournal
    {
        try openExisting(path: path, fingerprint: plan.outline.fingerprint)
    }

    /// Opens an existing journal for reading, checking it belongs to the plan with `fingerprint`.
    package static func openExisting(path: String, fingerprint: String) throws(JournalError) -> ApplyJournal {
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound(path: path) }
        let pool: DatabasePool
        let recorded: String?
        let tenant: String?
        let count: Int
        do {
            pool = try connect(path: path)
            (recorded, tenant, count) = try pool.read { db in
                guard try db.tableExists("meta") else { return (nil, nil, 0) }
                return (
                    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'fingerprint'"),
                    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'tenant'"),
                    try db.tableExists("operation") ? try recordedOperationCount(db, path: path) : 0
                )
            }
        } catch {
            throw .notAJournal(path: path, reason: describe(error))
        }
        guard let recorded else { throw .notAJournal(path: path, reason: "it records no plan") }
        guard recorded == fingerprint else {
            throw .boundToAnotherPlan(path: path, journalFingerprint: recorded, planFingerprint: fingerprint)
        }
        return ApplyJournal(path: path, fingerprint: fingerprint, tenant: tenant, operationCount: count, pool: pool)
    }

    /// The plan's operation count as the journal records it: `operation_count` (schema 2), or
    /// the number of rows (schema 1, which has one per operation).
    private static func recordedOperationCount(_ db: Database, path: String) throws -> Int {
        if let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'operation_count'") {
            guard let count = Int(text), count >= 0 else {
                throw JournalError.notAJournal(path: path, reason: "its operation_count is not a count")
            }
            return count
        }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM operation") ?? 0
    }

    /// Two runs of one plan at once would race on the same operations: the second is refused,
    /// told which process holds the journal (the lock file records it, as `RunLock` does).
    private static func lockExclusively(_ lockPath: String) throws(JournalError) -> RunLock {
        do {
            return try RunLock.acquire(path: lockPath)
        } catch {
            switch error {
            case .held(let path, let holder): throw .inUse(path: path, by: holder)
            case .cannotOpen(let path, let reason): throw .database(path: path, reason: reason)
            }
        }
    }

    private static func connect(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = "mfa-rollout.journal"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        // A DatabasePool always runs in WAL mode.
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw JournalError.notAJournal(path: path, reason: describe(error))
        }
    }

    private static func createSchema(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS operation (
                    seq INTEGER PRIMARY KEY NOT NULL,
                    id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    action TEXT NOT NULL,
                    planned_current TEXT NOT NULL,
                    desired TEXT NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    http_status INTEGER,
                    last_error TEXT,
                    value_before TEXT,
                    value_before_observed INTEGER NOT NULL DEFAULT 0,
                    started_at TEXT,
                    finished_at TEXT,
                    ticket_status TEXT NOT NULL DEFAULT 'none',
                    ticket_id TEXT,
                    ticket_attempts INTEGER NOT NULL DEFAULT 0,
                    ticket_error TEXT
                );
                """)
        // Journals written before `--enroll` existed get the ticket columns (no ticket owed).
        let columns = Set(try db.columns(in: "operation").map(\.name))
        for (name, definition) in ticketColumns where !columns.contains(name) {
            try db.execute(sql: "ALTER TABLE operation ADD COLUMN \(name) \(definition)")
        }
    }

    /// The indexes: `status` and `ticket_status` (counts by status, which `status` shows
    /// without reading the rows) and the unique operation `id`. Early journals have the id's
    /// uniqueness in the table itself (an automatic index), and keep it.
    private static func createIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX IF NOT EXISTS operation_status ON operation (status)")
        try db.execute(sql: "CREATE INDEX IF NOT EXISTS operation_ticket_status ON operation (ticket_status)")
        let uniqueIndexes =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM pragma_index_list('operation') WHERE \"unique\" = 1 AND origin != 'pk'")
            ?? 0
        if uniqueIndexes == 0 {
            try db.execute(sql: "CREATE UNIQUE INDEX operation_id ON operation (id)")
        }
    }

    private static let ticketColumns: [(String, String)] = [
        ("ticket_status", "TEXT NOT NULL DEFAULT 'none'"), ("ticket_id", "TEXT"),
        ("ticket_attempts", "INTEGER NOT NULL DEFAULT 0"), ("ticket_error", "TEXT"),
    ]

    // MARK: Writing

    /// Prepares a run: `in-flight` operations (a crash mid-request) and `failed` ones go back to
    /// `pending`. Returns the plan indexes of the pending operations, in plan order.
    package func prepareRun() async throws(JournalError) -> [Int] {
        let settled = try await write { db in
            try db.execute(sql: "UPDATE operation SET status = 'pending' WHERE status IN ('in-flight', 'failed')")
            return try Int.fetchAll(
                db, sql: "SELECT seq FROM operation WHERE status IN ('done', 'skipped-drift') ORDER BY seq")
        }
        var pending: [Int] = []
        pending.reserveCapacity(operationCount - settled.count)
        var settledIndexes = settled.makeIterator()
        var skip = settledIndexes.next()
        for index in 0..<operationCount {
            if index == skip {
                skip = settledIndexes.next()
            } else {
                pending.append(index)
            }
        }
        return pending
    }

    /// Records that the request(s) for `operation` (plan index `index`) are about to be sent,
    /// creating its row the first time.
    package func markInFlight(_ index: Int, _ operation: PlanOperation) async throws(JournalError) {
        guard (0..<operationCount).contains(index) else {
            throw .notAJournal(path: path, reason: "operation \(index) is beyond the plan's \(operationCount)")
        }
        let now = Self.timestamp()
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO operation (seq, id, user_id, action, planned_current, desired, status, attempts, started_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'in-flight', 0, ?)
                    ON CONFLICT (seq) DO UPDATE SET status = 'in-flight', started_at = excluded.started_at
                    """,
                arguments: [
                    index, operation.id, operation.userID, operation.action.rawValue, operation.current.rawValue,
                    operation.desired.rawValue, now,
                ])
        }
    }

    /// Records how operation `index` ended. With `owesTicket` (an enable done by a run with
    /// `--enroll`), its ticket becomes `pending` in the same transaction, so a crash between
    /// the PATCH and the ticket request cannot lose the ticket.
    package func finish(_ index: Int, _ outcome: OperationOutcome, owesTicket: Bool = false) async throws(JournalError)
    {
        let now = Self.timestamp()
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE operation SET status = ?, attempts = attempts + ?, http_status = COALESCE(?, http_status),
                        last_error = ?, value_before = ?, value_before_observed = ?, finished_at = ?,
                        ticket_status = CASE WHEN ? AND ticket_status = 'none' THEN 'pending' ELSE ticket_status END
                    WHERE seq = ?
                    """,
                arguments: [
                    outcome.status.rawValue, outcome.attempts, outcome.httpStatus, outcome.error,
                    outcome.valueBefore?.rawValue, outcome.valueBeforeObserved, now,
                    owesTicket && outcome.status == .done, index,
                ])
            guard db.changesCount == 1 else { throw Self.neverSent(index) }
        }
    }

    /// Finishing or releasing an operation that was never marked in flight is a bug, not a
    /// state to record.
    private static func neverSent(_ index: Int) -> DatabaseError {
        DatabaseError(resultCode: .SQLITE_MISUSE, message: "operation \(index) was never marked in flight")
    }

    // MARK: Enrollment tickets

    /// The plan indexes of done operations whose ticket is still owed (`pending`, `in-flight`
    /// after a crash, or `failed`), in plan order.
    package func ticketsOwed() throws(JournalError) -> [Int] {
        try read { db in
            try Int.fetchAll(
                db,
                sql: """
                    SELECT seq FROM operation WHERE status = 'done'
                    AND ticket_status IN ('pending', 'in-flight', 'failed') ORDER BY seq
                    """)
        }
    }

    /// Records that the ticket of operation `index` is about to be requested.
    package func markTicketInFlight(_ index: Int) async throws(JournalError) {
        try await write { db in
            try db.execute(sql: "UPDATE operation SET ticket_status = 'in-flight' WHERE seq = ?", arguments: [index])
        }
    }

    /// Records how the ticket of operation `index` ended: its id (never its URL) or the reason.
    package func finishTicket(_ index: Int, _ outcome: TicketOutcome) async throws(JournalError) {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE operation SET ticket_status = ?, ticket_id = COALESCE(?, ticket_id),
                        ticket_attempts = ticket_attempts + ?, ticket_error = ?
                    WHERE seq = ?
                    """,
                arguments: [outcome.status.rawValue, outcome.ticketID, outcome.attempts, outcome.error, index])
        }
    }

    /// Puts the ticket of operation `index` back to `pending` (the run stopped before its answer).
    package func releaseTicket(_ index: Int, attempts: Int) async throws(JournalError) {
        try await write { db in
            try db.execute(
                sql:
                    "UPDATE operation SET ticket_status = 'pending', ticket_attempts = ticket_attempts + ? WHERE seq = ?",
                arguments: [attempts, index])
        }
    }

    /// Tickets by status (every status present, zero included).
    package func ticketCounts() throws(JournalError) -> [TicketStatus: Int] {
        let rows = try read { db -> [Row] in
            let columns = Set(try db.columns(in: "operation").map(\.name))
            guard columns.contains("ticket_status") else { return [] }
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT ticket_status, COUNT(*) AS n FROM operation WHERE ticket_status != 'none' GROUP BY ticket_status"
            )
        }
        var counts = Dictionary(uniqueKeysWithValues: TicketStatus.allCases.map { ($0, 0) })
        for row in rows {
            if let status = TicketStatus(rawValue: row["ticket_status"]) { counts[status] = row["n"] }
        }
        counts[.none] = operationCount - counts.values.reduce(0, +)
        return counts
    }

    /// Puts operation `index` back to `pending` (the run stopped before its answer counted).
    package func release(_ index: Int, attempts: Int) async throws(JournalError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE operation SET status = 'pending', attempts = attempts + ? WHERE seq = ?",
                arguments: [attempts, index])
            guard db.changesCount == 1 else { throw Self.neverSent(index) }
        }
    }

    // MARK: Reading

    /// Operations by status (every status present, zero included). Operations without a row
    /// are pending; only the rows of touched operations are read (through the `status` index).
    package func counts() throws(JournalError) -> [OperationStatus: Int] {
        let rows = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT status, COUNT(*) AS n FROM operation WHERE status != 'pending' GROUP BY status")
        }
        var counts = Dictionary(uniqueKeysWithValues: OperationStatus.allCases.map { ($0, 0) })
        for row in rows {
            if let status = OperationStatus(rawValue: row["status"]) { counts[status] = row["n"] }
        }
        counts[.pending] = operationCount - counts.values.reduce(0, +)
        return counts
    }

    /// Hands `body` the record of every touched operation with one of `statuses` (all when nil)
    /// and, given one, that ticket status, in plan order, one at a time: a million records are
    /// never all in memory. Pending operations that no run has sent have no record. SQLite
    /// picks the rows (through the `status` index), so a status report over a million
    /// operations reads only the few it lists.
    /// - Throws: ``JournalError``, or what `body` throws.
    package func forEachRecord(
        _ statuses: Set<OperationStatus>? = nil, ticketStatus: TicketStatus? = nil,
        _ body: (JournalRecord) throws -> Void
    ) throws {
        var conditions: [String] = []
        var arguments: [String] = []
        if let statuses {
            let wanted = statuses.map(\.rawValue).sorted()
            conditions.append("status IN (\(Array(repeating: "?", count: wanted.count).joined(separator: ", ")))")
            arguments += wanted
        }
        if let ticketStatus {
            conditions.append("ticket_status = ?")
            arguments.append(ticketStatus.rawValue)
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT * FROM operation\(filter) ORDER BY seq"
        var failure: (any Error)?
        try read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                guard let status = OperationStatus(rawValue: row["status"]) else { continue }
                do {
                    try body(try record(row, status: status))
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
    }

    /// The records of touched operations with one of `statuses` (all when nil) and, given one,
    /// that ticket status, in plan order (see ``forEachRecord(_:ticketStatus:_:)``).
    package func records(
        _ statuses: Set<OperationStatus>? = nil, ticketStatus: TicketStatus? = nil
    ) throws(JournalError) -> [JournalRecord] {
        var records: [JournalRecord] = []
        do {
            try forEachRecord(statuses, ticketStatus: ticketStatus) { records.append($0) }
        } catch let error as JournalError {
            throw error
        } catch {
            throw .database(path: path, reason: Self.describe(error))
        }
        return records
    }

    private func record(_ row: Row, status: OperationStatus) throws(JournalError) -> JournalRecord {
        let rowTicketStatus = (row["ticket_status"] as String?).flatMap(TicketStatus.init(rawValue:)) ?? .none
        guard let action = PlanAction(rawValue: row["action"]),
            let planned = FlagValue(rawValue: row["planned_current"]),
            let desired = FlagValue(rawValue: row["desired"])
        else { throw .notAJournal(path: path, reason: "operation \(row["seq"] as Int? ?? -1) is unreadable") }
        return JournalRecord(
            index: row["seq"], id: row["id"], userID: row["user_id"], action: action,
            plannedCurrent: planned, desired: desired, status: status, attempts: row["attempts"],
            httpStatus: row["http_status"], lastError: row["last_error"],
            valueBefore: (row["value_before"] as String?).flatMap(FlagValue.init(rawValue:)),
            valueBeforeObserved: row["value_before_observed"], startedAt: row["started_at"],
            finishedAt: row["finished_at"],
            ticketStatus: rowTicketStatus,
            ticketID: row["ticket_id"], ticketAttempts: row["ticket_attempts"] as Int? ?? 0,
            ticketError: row["ticket_error"])
    }

    /// A PRAGMA's value as SQLite reports it (`journal_mode`, `synchronous`), for checks.
    func pragma(_ name: String) throws(JournalError) -> String? {
        try read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    // MARK: Plumbing

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(JournalError) -> T
    {
        do {
            return try await pool.write(body)
        } catch {
            throw .database(path: path, reason: Self.describe(error))
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(JournalError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw .database(path: path, reason: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
        return "\(error)"
    }

    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(.iso8601)
    }
}

/// How one operation ended, for ``ApplyJournal/finish(_:_:)``.
package struct OperationOutcome: Sendable, Equatable {
    package var status: OperationStatus
    /// Requests sent in this run (retries and the `--verify-current` GET included).
    package var attempts: Int
    package var httpStatus: Int?
    /// Why it failed or was skipped; no secrets.
    package var error: String?
    package var valueBefore: FlagValue?
    package var valueBeforeObserved: Bool

    package init(
        status: OperationStatus, attempts: Int, httpStatus: Int?, error: String?, valueBefore: FlagValue?,
        valueBeforeObserved: Bool
    ) {
        self.status = status
        self.attempts = attempts
        self.httpStatus = httpStatus
        self.error = error
        self.valueBefore = valueBefore
        self.valueBeforeObserved = valueBeforeObserved
    }
}

/// How one enrollment ticket request ended, for ``ApplyJournal/finishTicket(_:_:)``.
package struct TicketOutcome: Sendable, Equatable {
    /// `done` or `failed`.
    package var status: TicketStatus
    /// The ticket's id when created (the URL is never journaled).
    package var ticketID: String?
    /// Requests sent for it in this run (retries included).
    package var attempts: Int
    /// Why it failed; no secrets.
    package var error: String?

    package init(status: TicketStatus, ticketID: String?, attempts: Int, error: String?) {
        self.status = status
        self.ticketID = ticketID
        self.attempts = attempts
        self.error = error
    }
}
