import Foundation
import MFARollout
import ManagementAPI
import Rollout
import TenantEmulator
import Testing

@Suite("apply refuses what was not approved")
struct ApplyRefusalTests {
    /// Runs `plan` with `options` and expects `refusal`, with nothing sent to the tenant.
    static func expectRefused(
        _ plan: Plan, _ options: ApplyOptions, _ matches: @escaping @Sendable (ApplyRefusal) -> Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await withTenant(Fixture.enableAll(3).users) { tenant in
            do {
                _ = try await tenant.apply(plan, options: options)
                Issue.record("applied a plan that should have been refused", sourceLocation: sourceLocation)
            } catch let refusal as ApplyRefusal {
                #expect(matches(refusal), "\(refusal)", sourceLocation: sourceLocation)
                #expect(!refusal.description.isEmpty)
            }
            #expect(
                await tenant.store.requests().isEmpty, "nothing sent, not even a token request",
                sourceLocation: sourceLocation)
        }
    }

    @Test("an edited plan file is refused by its fingerprint")
    func editedPlan() throws {
        let plan = Fixture.enableAll(3).plan
        var text = String(decoding: try PlanFile.encode(plan), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"action\":\"enable\"", with: "\"action\":\"disable\"")
        text = text.replacingOccurrences(of: "\"desired\":\"true\"", with: "\"desired\":\"false\"")
        #expect(throws: PlanFileError.self) { try PlanFile.decode(Data(text.utf8), path: "plan.json") }
        do {
            _ = try PlanFile.decode(Data(text.utf8), path: "plan.json")
        } catch {
            guard case .fingerprintMismatch = error else {
                Issue.record("expected a fingerprint mismatch, got \(error)")
                return
            }
        }
    }

    @Test("a plan whose guard tripped is refused")
    func trippedGuard() async throws {
        let operations = Array(Fixture.enableAll(3).plan.operations)
        let plan = Fixture.plan(operations, guards: [GuardCheck(kind: .maxChanges, limit: 1, actual: 3)])
        #expect(!plan.applicable)
        try await Self.expectRefused(plan, ApplyOptions()) {
            if case .notApplicable(let guards) = $0 { return guards.count == 1 && guards[0].contains("max_changes") }
            return false
        }
    }

    @Test(
        "--approve with another fingerprint is refused; the whole of it or 12+ leading digits, in any case, is accepted"
    )
    func wrongApproval() async throws {
        let plan = Fixture.enableAll(3).plan
        let other = Fixture.enableAll(4).plan.fingerprint
        try await Self.expectRefused(plan, ApplyOptions(approvedFingerprint: other)) {
            $0 == .fingerprintNotApproved(approved: other, actual: plan.fingerprint)
        }
        let hex = String(plan.fingerprint.dropFirst("sha256:".count))
        for accepted in [plan.fingerprint, hex, hex.uppercased(), String(hex.prefix(12)), "sha256:" + hex.prefix(20)] {
            try ApplyApproval.check(plan, tenant: Fixture.tenant, options: ApplyOptions(approvedFingerprint: accepted))
        }
        // Too short a prefix, or not hex, is not an approval.
        for refused in [String(hex.prefix(11)), "sha256:", "", String(hex.prefix(12)) + "z", hex + "0"] {
            #expect(throws: ApplyRefusal.self, "\(refused)") {
                try ApplyApproval.check(
                    plan, tenant: Fixture.tenant, options: ApplyOptions(approvedFingerprint: refused))
            }
        }
    }

    @Test("without --approve nothing runs, even a plan whose fingerprint verifies")
    func approvalIsRequired() throws {
        let plan = Fixture.enableAll(3).plan
        #expect(throws: ApplyRefusal.notApproved(fingerprint: plan.fingerprint)) {
            try ApplyApproval.check(plan, tenant: Fixture.tenant, options: ApplyOptions())
        }
    }

    @Test("a plan is applied to its own tenant only, compared in canonical form; a plan without one never")
    func tenantBinding() throws {
        let plan = Fixture.plan(Array(Fixture.enableAll(2).plan.operations), tenant: "acme.eu.auth0.com")
        let options = ApplyOptions(approvedFingerprint: plan.fingerprint)
        for same in ["acme.eu.auth0.com", "ACME.eu.Auth0.com", "acme.eu.auth0.com.", "acme.eu.auth0.com:443"] {
            try ApplyApproval.check(plan, tenant: same, options: options)
        }
        for other in ["other.eu.auth0.com", "acme.eu.auth0.com:8443", "acme.us.auth0.com", "127.0.0.1:8787"] {
            #expect(throws: ApplyRefusal.wrongTenant(planned: "acme.eu.auth0.com", given: other)) {
                try ApplyApproval.check(plan, tenant: other, options: options)
            }
        }
        let untethered = Fixture.plan(Array(Fixture.enableAll(2).plan.operations), tenant: nil)
        #expect(throws: ApplyRefusal.noTenant) {
            try ApplyApproval.check(
                untethered, tenant: "acme.eu.auth0.com",
                options: ApplyOptions(approvedFingerprint: untethered.fingerprint))
        }
    }

    @Test("a plan older than the maximum age needs --allow-stale")
    func stalePlan() async throws {
        let old = Date().addingTimeInterval(-25 * 3600)
        let plan = Fixture.plan(Array(Fixture.enableAll(3).plan.operations), createdAt: old)
        try await Self.expectRefused(plan, ApplyOptions()) {
            if case .stale(_, let age, let maxAge) = $0 { return age > 24 * 3600 && maxAge == 24 * 3600 }
            return false
        }
        let approved = plan.fingerprint
        try ApplyApproval.check(
            plan, tenant: Fixture.tenant, options: ApplyOptions(approvedFingerprint: approved, allowStale: true))
        try ApplyApproval.check(
            plan, tenant: Fixture.tenant, options: ApplyOptions(approvedFingerprint: approved, maxAge: 48 * 3600))
    }

    @Test("disable operations need --allow-disable")
    func disableNeedsPermission() async throws {
        let ids = (0..<3).map(Fixture.userID)
        let plan = Fixture.plan([
            Fixture.operation(ids[0], .enable, current: .absent),
            Fixture.operation(ids[1], .disable, current: .on),
            Fixture.operation(ids[2], .unset, current: .on),
        ])
        try await Self.expectRefused(plan, ApplyOptions()) { $0 == .disableNotAllowed(count: 2) }
        try ApplyApproval.check(
            plan, tenant: Fixture.tenant,
            options: ApplyOptions(approvedFingerprint: plan.fingerprint, allowDisable: true))
    }

    @Test("a journal belongs to one plan: opening it for another is an error")
    func journalBoundToPlan() throws {
        let directory = try Fixture.temporaryDirectory()
        let path = directory.appendingPathComponent("j.sqlite").path
        let first = Fixture.enableAll(3).plan
        let second = Fixture.enableAll(3, from: 10).plan
        do { _ = try ApplyJournal.open(path: path, plan: first, tenant: Fixture.tenant) }
        #expect(
            throws: JournalError.boundToAnotherPlan(
                path: path, journalFingerprint: first.fingerprint, planFingerprint: second.fingerprint)
        ) { try ApplyJournal.open(path: path, plan: second, tenant: Fixture.tenant) }
        #expect(throws: JournalError.self) { try ApplyJournal.openExisting(path: path, plan: second) }
        do {
            // Reopening for the same plan is fine and keeps the statuses.
            let again = try ApplyJournal.open(path: path, plan: first, tenant: Fixture.tenant)
            #expect(try again.counts()[.pending] == 3)
            // Two runs of one plan at once: the second is refused while the first holds the journal.
            let refusal = #expect(throws: JournalError.self) {
                try ApplyJournal.open(path: path, plan: first, tenant: Fixture.tenant)
            }
            guard case .inUse(let lockPath, let holder) = refusal else {
                Issue.record("expected inUse, got \(String(describing: refusal))")
                return
            }
            #expect(lockPath == path + ".lock")
            #expect(holder.pid == getpid(), "the lock file names the process holding the journal")
            #expect(refusal?.description.contains("PID \(getpid())") == true)
            // Reading (status, undo) is not blocked.
            #expect(try ApplyJournal.openExisting(path: path, plan: first).counts()[.pending] == 3)
        }
        do { _ = try ApplyJournal.open(path: path, plan: first, tenant: Fixture.tenant) }  // released: fine again
        // A journal records its tenant, and resumes against no other.
        #expect(
            throws: JournalError.boundToAnotherTenant(path: path, journalTenant: Fixture.tenant, tenant: "other.test")
        ) {
            try ApplyJournal.open(path: path, plan: first, tenant: "other.test")
        }
        #expect(throws: JournalError.notFound(path: path + ".missing")) {
            try ApplyJournal.openExisting(path: path + ".missing", plan: first)
        }
    }
}
