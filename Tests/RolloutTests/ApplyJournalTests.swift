import Foundation
import GRDB
import MFARollout
import Rollout
import Testing

@Suite("the apply journal: a row per operation sent, pending without one")
struct ApplyJournalTests {
    static func outcome(_ status: OperationStatus) -> OperationOutcome {
        OperationOutcome(
            status: status, attempts: 1, httpStatus: status == .done ? 200 : 404,
            error: status == .done ? nil : "no such user", valueBefore: .absent, valueBeforeObserved: false)
    }

    /// A journal's path in a new temporary directory.
    static func journalPath() throws -> String {
        try Fixture.temporaryDirectory().appendingPathComponent("j.sqlite").path
    }

    @Test("a new journal holds no operation rows: every operation is pending until it is sent")
    func lazyRows() async throws {
        let path = try Self.journalPath()
        let plan = Fixture.enableAll(5).plan
        let journal = try ApplyJournal.open(path: path, plan: plan, tenant: Fixture.tenant)
        #expect(try journal.records().isEmpty)
        #expect(try journal.counts() == [.pending: 5, .inFlight: 0, .done: 0, .failed: 0, .skippedDrift: 0])
        #expect(try await journal.prepareRun() == [0, 1, 2, 3, 4])

        try await journal.markInFlight(1, plan.operations[1])
        try await journal.finish(1, Self.outcome(.done))
        try await journal.markInFlight(3, plan.operations[3])
        try await journal.finish(3, Self.outcome(.failed))
        try await journal.markInFlight(4, plan.operations[4])
        #expect(try journal.counts() == [.pending: 2, .inFlight: 1, .done: 1, .failed: 1, .skippedDrift: 0])
        let records = try journal.records()
        #expect(records.map(\.index) == [1, 3, 4])
        #expect(records[0].id == plan.operations[1].id && records[0].userID == plan.operations[1].userID)
        #expect(records[0].action == .enable && records[0].desired == .on)
        #expect(try journal.ticketCounts()[.none] == 5)
        // A new run sends the failed and in-flight ones again, and never the done one.
        #expect(try await journal.prepareRun() == [0, 2, 3, 4])
        #expect(try journal.counts()[.pending] == 4)
    }

    @Test("an index beyond the plan, or finishing what was never sent, is refused")
    func misuse() async throws {
        let path = try Self.journalPath()
        let plan = Fixture.enableAll(3).plan
        let journal = try ApplyJournal.open(path: path, plan: plan, tenant: Fixture.tenant)
        await #expect(throws: JournalError.self) { try await journal.markInFlight(3, plan.operations[0]) }
        await #expect(throws: JournalError.self) { try await journal.finish(2, Self.outcome(.done)) }
        await #expect(throws: JournalError.self) { try await journal.release(0, attempts: 1) }
        #expect(try journal.counts()[.pending] == 3)
    }

    @Test("a journal recording another operation count is refused")
    func operationCountMismatch() throws {
        let path = try Self.journalPath()
        let plan = Fixture.enableAll(3).plan
        do { _ = try ApplyJournal.open(path: path, plan: plan, tenant: Fixture.tenant) }
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "UPDATE meta SET value = '4' WHERE key = 'operation_count'") }
        let refusal = #expect(throws: JournalError.self) {
            try ApplyJournal.open(path: path, plan: plan, tenant: Fixture.tenant)
        }
        #expect(refusal?.description.contains("records 4 operations, the plan has 3") == true)
    }

    /// A journal as schema 1 wrote it: a row for every operation from the start, no
    /// `operation_count`.
    static func schemaOneJournal(at path: String, plan: Plan, statuses: [String]) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE operation (
                        seq INTEGER PRIMARY KEY NOT NULL, id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL,
                        action TEXT NOT NULL, planned_current TEXT NOT NULL, desired TEXT NOT NULL,
                        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER,
                        last_error TEXT, value_before TEXT, value_before_observed INTEGER NOT NULL DEFAULT 0,
                        started_at TEXT, finished_at TEXT);
                    """)
            for (key, value) in [
                ("schema_version", "1"), ("fingerprint", plan.fingerprint), ("tenant", Fixture.tenant),
                ("flag_location", "app_metadata.use_mfa"), ("created_at", "2026-11-20T00:00:00Z"),
            ] {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
            }
            for (index, operation) in plan.operations.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO operation (seq, id, user_id, action, planned_current, desired, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        index, operation.id, operation.userID, operation.action.rawValue,
                        operation.current.rawValue, operation.desired.rawValue, statuses[index],
                    ])
            }
        }
    }

    @Test("a schema 1 journal (a row for every operation) reads and resumes as before")
    func schemaOne() async throws {
        let path = try Self.journalPath()
        let plan = Fixture.enableAll(5).plan
        try Self.schemaOneJournal(
            at: path, plan: plan, statuses: ["done", "pending", "in-flight", "failed", "skipped-drift"])
        let existing = try ApplyJournal.openExisting(path: path, plan: plan)
        #expect(existing.operationCount == 5)
        #expect(try existing.counts() == [.pending: 1, .inFlight: 1, .done: 1, .failed: 1, .skippedDrift: 1])
        #expect(try existing.ticketCounts()[.none] == 5, "no ticket columns yet: none owed")
        let journal = try ApplyJournal.open(path: path, plan: plan, tenant: Fixture.tenant)
        #expect(try await journal.prepareRun() == [1, 2, 3])
        try await journal.markInFlight(1, plan.operations[1])
        try await journal.finish(1, Self.outcome(.done))
        #expect(try journal.counts() == [.pending: 2, .inFlight: 0, .done: 2, .failed: 0, .skippedDrift: 1])
        #expect(try journal.records([.done]).map(\.index) == [0, 1])
    }
}
