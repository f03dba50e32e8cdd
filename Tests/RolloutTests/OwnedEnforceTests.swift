import Foundation
import MFARollout
import ManagementAPI
import TenantEmulator
import Testing

@testable import Rollout

/// `enforce` with `disable: owned-only` against the emulator: the export shows who owns each
/// flag, the PATCH writes and clears the marker with the flag, and undo restores both keys.
@Suite("enforce that takes back only what it gave")
struct OwnedEnforceTests {
    static let policy = """
        version: 1
        mode: enforce
        disable: owned-only
        rules:
          - name: staff
            when: {column: email, domain: acme.com}

        """

    static func metadata(_ store: TenantStore, _ id: String) async -> [String: TenantEmulator.JSONValue] {
        await store.user(id: id)?.appMetadata ?? [:]
    }

    @Test("owned flags go off with their marker, hand-set ones stay; undo puts both keys back exactly")
    func enforceAndUndo() async throws {
        let users = [
            emulatorUser("auth0|new-staff", email: "new@acme.com", mfa: nil),
            emulatorUser(
                "auth0|left", email: "left@example.org", mfa: nil,
                extra: ["app_metadata": ["use_mfa": true, "use_mfa_source": "mfa-rollout", "team": "core"]]),
            emulatorUser("auth0|at-risk", email: "risk@example.org", mfa: true),
            emulatorUser(
                "auth0|old-marker", email: "back@acme.com", mfa: nil,
                extra: ["app_metadata": ["use_mfa": false, "use_mfa_source": "wave-1"]]),
        ]
        let fixture = try ReconcileFixture(Self.policy)
        try await withTenant(users) { tenant in
            // The plan, from a real export job of the tenant.
            let reconciled = try await Reconciler(fixture.request(tenant.emulator)).run()
            let planPath = try #require(reconciled.plan?.path)
            let plan = try PlanFile.read(from: planPath)
            let byUser = Dictionary(uniqueKeysWithValues: plan.operations.map { ($0.userID, $0) })
            #expect(Set(byUser.keys) == ["auth0|new-staff", "auth0|left", "auth0|old-marker"])
            #expect(byUser["auth0|left"]?.action == .disable)
            #expect(byUser["auth0|left"]?.source == SourceChange(current: "mfa-rollout", desired: nil))
            #expect(byUser["auth0|old-marker"]?.source == SourceChange(current: "wave-1", desired: "mfa-rollout"))
            #expect(plan.summary.keptUnowned == 1)
            #expect(plan.summary.keptUnownedSample.map(\.userID) == ["auth0|at-risk"])
            let report = try String(
                contentsOfFile: try #require(reconciled.reports.first { $0.hasSuffix(".md") }), encoding: .utf8)
            #expect(report.contains("| not selected, on, set outside the rollout: kept | 1 |"))
            #expect(report.contains("`auth0\\|at-risk`"), "listed by id (the Markdown table escapes its |)")

            let applied = try await tenant.apply(plan, options: ApplyOptions(allowDisable: true))
            #expect(applied.exitCode == 0 && applied.done == 3)
            #expect(
                await Self.metadata(tenant.store, "auth0|new-staff") == [
                    "use_mfa": true, "use_mfa_source": "mfa-rollout",
                ])
            #expect(await Self.metadata(tenant.store, "auth0|left") == ["use_mfa": false, "team": "core"])
            #expect(await Self.metadata(tenant.store, "auth0|at-risk") == ["use_mfa": true])
            #expect(
                await Self.metadata(tenant.store, "auth0|old-marker") == [
                    "use_mfa": true, "use_mfa_source": "mfa-rollout",
                ])
            // One PATCH per user carried both keys.
            let bodies = await tenant.store.requests().filter { $0.method == "PATCH" }.count
            #expect(bodies == 3)

            // Undo: both keys back, absent ones deleted.
            let journal = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan)
            let undo = try UndoPlanner.makeUndoPlan(of: plan, journal: journal)
            let undoPath = tenant.directory.appendingPathComponent("undo.json").path
            try PlanFile.write(undo, to: undoPath)
            let reread = try PlanFile.read(from: undoPath)
            #expect(reread.operations == undo.operations)
            let undone = try await tenant.apply(reread, options: ApplyOptions(allowDisable: true), journal: "undo")
            #expect(undone.exitCode == 0 && undone.done == 3)
            #expect(await Self.metadata(tenant.store, "auth0|new-staff") == [:])
            #expect(
                await Self.metadata(tenant.store, "auth0|left") == [
                    "use_mfa": true, "use_mfa_source": "mfa-rollout", "team": "core",
                ])
            #expect(await Self.metadata(tenant.store, "auth0|at-risk") == ["use_mfa": true])
            #expect(
                await Self.metadata(tenant.store, "auth0|old-marker") == ["use_mfa": false, "use_mfa_source": "wave-1"])
        }
    }

    @Test("the emitted requests carry the marker with the flag, and delete it with it")
    func emitBodies() throws {
        let flag = Plan.FlagTarget(
            container: "app_metadata", key: "use_mfa", column: "use_mfa",
            source: .init(
                container: "app_metadata", key: "use_mfa_source", column: "app_metadata.use_mfa_source",
                value: "mfa-rollout", disable: .ownedOnly))
        var on = Fixture.operation("auth0|1", .enable, current: .absent)
        on.source = SourceChange(current: nil, desired: "mfa-rollout")
        var off = Fixture.operation("auth0|2", .disable, current: .on)
        off.source = SourceChange(current: "mfa-rollout", desired: nil)
        var restore = Fixture.operation("auth0|3", .disable, current: .on)
        restore.source = SourceChange(current: "mfa-rollout", desired: "wave \"1\"")
        var summary = PlanSummary()
        summary.rows = 3
        summary.enable = 1
        summary.disable = 2
        let plan = Plan(
            producer: .init(createdAt: Date(), asOf: Date()), tenant: Fixture.tenant, inputs: [], flag: flag,
            mode: .enforce, summary: summary, guards: [], operations: [on, off, restore], rejected: [])
        let requests = Array(try EmittedRequests(plan))
        #expect(requests[0].body == #"{"app_metadata":{"use_mfa":true,"use_mfa_source":"mfa-rollout"}}"#)
        #expect(requests[1].body == #"{"app_metadata":{"use_mfa":false,"use_mfa_source":null}}"#)
        #expect(requests[2].body == #"{"app_metadata":{"use_mfa":false,"use_mfa_source":"wave \"1\""}}"#)
    }
}
