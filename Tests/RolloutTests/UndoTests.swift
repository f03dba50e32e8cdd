import Foundation
import MFARollout
import ManagementAPI
import TenantEmulator
import Testing

@testable import Rollout

@Suite("undo and the journal")
struct UndoTests {
    @Test("apply, undo, apply the undo plan: the tenant is back to its original values, absent included")
    func roundTrip() async throws {
        let ids = (0..<9).map(Fixture.userID)
        let original: [FlagValue] = [.absent, .off, .on, .absent, .off, .on, .absent, .off, .on]
        let users = zip(ids, original).map { Fixture.user($0, $1) }
        // enforce-style plan: on for absent/false, off for true; one user is not in the plan.
        let operations = zip(ids, original).dropLast().map { id, value in
            value == .on
                ? Fixture.operation(id, .disable, current: .on) : Fixture.operation(id, .enable, current: value)
        }
        let plan = Fixture.plan(Array(operations))
        try await withTenant(users) { tenant in
            let summary = try await tenant.apply(plan, options: ApplyOptions(allowDisable: true))
            #expect(summary.exitCode == 0)
            for (id, value) in zip(ids, original).dropLast() {
                #expect(await tenant.flag(id) == (value == .on ? .off : .on))
            }

            let journal = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan)
            let undo = try UndoPlanner.makeUndoPlan(of: plan, journal: journal)
            #expect(undo.operations.count == 8)
            #expect(undo.fingerprint != plan.fingerprint)
            #expect(undo.operations.count { $0.action == .unset } == 3)
            let originalIDs = Set(plan.operations.map(\.id))
            #expect(
                undo.operations.allSatisfy { op in
                    op.reason.hasPrefix("undo of ") && originalIDs.contains(String(op.reason.dropFirst(8).prefix(15)))
                })
            // It is a valid plan file with its own verified fingerprint.
            let path = tenant.directory.appendingPathComponent("undo.json").path
            try PlanFile.write(undo, to: path)
            let reread = try PlanFile.read(from: path)
            #expect(reread.fingerprint == undo.fingerprint && reread.operations == undo.operations)
            let unset = try #require(reread.operations.first { $0.action == .unset })
            #expect(unset.desired == .absent)

            // Without --allow-disable the undo (which turns MFA off) is refused.
            await #expect(throws: ApplyRefusal.self) { try await tenant.apply(reread, journal: "undo") }
            let undone = try await tenant.apply(reread, options: ApplyOptions(allowDisable: true), journal: "undo")
            #expect(undone.exitCode == 0 && undone.done == 8)
            for (id, value) in zip(ids, original) {
                #expect(await tenant.flag(id) == value, "\(id) back to \(value)")
                let user = try #require(await tenant.store.user(id: id))
                #expect(user.appMetadata["team"] == "core")
                if value == .absent { #expect(user.appMetadata.keys.contains("use_mfa") == false) }
            }
            // The unset went out as JSON null.
            let unsetPatches = try #require(await tenant.patches()[unset.id])
            #expect(unsetPatches.count == 1 && unsetPatches[0].changed)
        }
    }

    @Test("undo reverses only operations that are done, using the value read with --verify-current")
    func onlyDone() async throws {
        let (users, plan) = Fixture.enableAll(6)
        let gone = plan.operations[2].userID
        try await withTenant(users.filter { $0.id != gone }) { tenant in
            _ = try await tenant.apply(plan, options: ApplyOptions(verifyCurrent: true))
            let journal = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan)
            let undo = try UndoPlanner.makeUndoPlan(of: plan, journal: journal)
            #expect(undo.operations.count == 5)
            #expect(!undo.operations.contains { $0.userID == gone })
            #expect(undo.operations.allSatisfy { $0.action == .unset && $0.current == .on })
        }
    }

    @Test("the undo plan written as it is made is byte for byte the one made in memory")
    func writtenAsMade() async throws {
        let (users, plan) = Fixture.enableAll(7)
        let gone = plan.operations[4].userID
        try await withTenant(users.filter { $0.id != gone }) { tenant in
            _ = try await tenant.apply(plan)
            let journal = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let inMemory = try UndoPlanner.makeUndoPlan(of: plan, journal: journal, now: now)
            let path = tenant.directory.appendingPathComponent("undo.json").path
            let outline = try UndoPlanner.writeUndoPlan(of: plan, journal: journal, to: path, now: now)
            #expect(outline.operationCount == 6 && outline.fingerprint == inMemory.fingerprint)
            #expect(outline.summary == inMemory.summary && outline.tenant == plan.tenant)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(try PlanFile.encode(inMemory)))
            #expect(try PlanFile.read(from: path).operations == inMemory.operations)
        }
    }

    @Test("nothing done: no undo plan")
    func nothingToUndo() throws {
        let plan = Fixture.enableAll(2).plan
        let path = try Fixture.temporaryDirectory().appendingPathComponent("j.sqlite").path
        let journal = try ApplyJournal.open(path: path, plan: plan, tenant: Fixture.tenant)
        #expect(throws: UndoError.self) { try UndoPlanner.makeUndoPlan(of: plan, journal: journal) }
        let out = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("undo.json").path
        #expect(throws: UndoError.self) { try UndoPlanner.writeUndoPlan(of: plan, journal: journal, to: out) }
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written when there is nothing to undo")
    }

    @Test("the journal runs in WAL mode with synchronous=FULL")
    func journalDurability() throws {
        let plan = Fixture.enableAll(2).plan
        let path = try Fixture.temporaryDirectory().appendingPathComponent("j.sqlite").path
        let journal = try ApplyJournal.open(path: path, plan: plan, tenant: Fixture.tenant)
        #expect(try journal.pragma("journal_mode") == "wal")
        #expect(try journal.pragma("synchronous") == "2")  // FULL
    }

    @Test("PlanAction: unset restores absent and turns MFA off")
    func unsetAction() {
        #expect(PlanAction.unset.desired == .absent)
        #expect(PlanAction(restoring: .absent) == .unset)
        #expect(PlanAction(restoring: .on) == .enable)
        #expect(PlanAction(restoring: .off) == .disable)
        #expect(PlanAction.unset.turnsMFAOff && PlanAction.disable.turnsMFAOff && !PlanAction.enable.turnsMFAOff)
        #expect(ApplyEngine.patchValue(.absent) == nil)
    }
}
