import Foundation
import MFARollout
import ManagementAPI
import Rollout
import TenantEmulator
import Testing

@Suite("apply engine against the emulator")
struct ApplyEngineTests {
    /// Every operation's PATCH reached the tenant exactly once with `changed: true`, any other
    /// PATCH of it was a harmless resend (`changed: false`), and the flag now holds `desired`.
    static func expectAppliedExactlyOnce(
        _ plan: Plan, in tenant: TestTenant, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let patches = await tenant.patches()
        for operation in plan.operations {
            let sent = patches[operation.id] ?? []
            #expect(sent.count { $0.changed } == 1, "\(operation.userID): \(sent)", sourceLocation: sourceLocation)
            #expect(await tenant.flag(operation.userID) == operation.desired, sourceLocation: sourceLocation)
        }
    }

    @Test("happy path: every operation is one PATCH of the one key, sent once, with the operation id")
    func happyPath() async throws {
        let (users, plan) = Fixture.enableAll(30)
        try await withTenant(users) { tenant in
            let summary = try await tenant.apply(plan)
            #expect(summary.exitCode == 0)
            #expect(summary.ending == .completed)
            #expect(summary.done == 30 && summary.doneThisRun == 30 && summary.failed == 0 && summary.pending == 0)
            let patches = await tenant.patches()
            #expect(patches.count == 30)
            for operation in plan.operations {
                let sent = try #require(patches[operation.id])
                #expect(sent.count == 1)
                #expect(sent[0].changed && sent[0].status == 200)
                // The id is percent-encoded as one path segment.
                #expect(!sent[0].path.dropFirst("/api/v2/users/".count).contains("|"))
                #expect(!sent[0].path.dropFirst("/api/v2/users/".count).contains("/"))
                let user = try #require(await tenant.store.user(id: operation.userID))
                #expect(user.appMetadata["use_mfa"] == .bool(true))
                #expect(user.appMetadata["team"] == "core", "other metadata survives")
                #expect(user.appMetadata["roles"] == ["admin"])
            }
            let records = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan).records()
            #expect(records.allSatisfy { $0.status == .done && $0.attempts == 1 && $0.httpStatus == 200 })
            #expect(records.allSatisfy { $0.valueBefore == .absent && !$0.valueBeforeObserved })
        }
    }

    @Test("a 429 storm: tight server limits, every operation still applied exactly once")
    func rateLimitStorm() async throws {
        let (users, plan) = Fixture.enableAll(30)
        try await withTenant(users, { $0.limits = RateLimitPlan(global: .init(burst: 2, perSecond: 20)) }) { tenant in
            // The client believes in a larger bucket: the server's headers and 429s must correct it.
            let settings = tenant.settings(limits: RateLimit(rate: 100, burst: 30), concurrency: 16)
            let summary = try await tenant.apply(plan, settings: settings)
            #expect(summary.exitCode == 0, "\(summary)")
            #expect(summary.done == 30)
            let answered429 = await tenant.store.requests().count { $0.status == 429 }
            #expect(answered429 > 0, "the storm happened")
            #expect(summary.rateLimited == answered429)
            await Self.expectAppliedExactlyOnce(plan, in: tenant)
        }
    }

    @Test("5xx answers are retried until the operation is done")
    func serverErrors() async throws {
        let (users, plan) = Fixture.enableAll(40)
        try await withTenant(users, { $0.faults = FaultConfiguration(failRate: 0.3, seed: 7) }) { tenant in
            let summary = try await tenant.apply(plan)
            #expect(summary.exitCode == 0, "\(summary)")
            let failedAnswers = await tenant.store.requests().count { $0.status >= 500 }
            #expect(failedAnswers > 0)
            #expect(summary.retries >= failedAnswers)
            await Self.expectAppliedExactlyOnce(plan, in: tenant)
        }
    }

    @Test("connections dropped before and after the write: re-sent, never applied twice")
    func droppedConnections() async throws {
        let (users, plan) = Fixture.enableAll(40)
        try await withTenant(
            users, { $0.faults = FaultConfiguration(dropRate: 0.15, dropAfterWriteRate: 0.2, seed: 3) }
        ) {
            tenant in
            let summary = try await tenant.apply(plan, options: ApplyOptions(concurrency: 1))
            #expect(summary.exitCode == 0, "\(summary)")
            let patches = await tenant.patches()
            let droppedAfterWrite = patches.values.filter { $0.contains { $0.dropped && $0.changed } }
            #expect(!droppedAfterWrite.isEmpty, "some writes were applied and then left unanswered")
            for sent in droppedAfterWrite {
                // The resend found the value already there.
                #expect(sent.contains { !$0.dropped && !$0.changed && $0.status == 200 })
            }
            #expect(
                patches.values.contains { $0.contains { $0.dropped && $0.status == 0 } },
                "some dropped before the write")
            await Self.expectAppliedExactlyOnce(plan, in: tenant)
        }
    }

    @Test("a token that expires mid-run is refreshed and the run goes on")
    func tokenExpiry() async throws {
        let (users, plan) = Fixture.enableAll(40)
        let clock = ManualClock()
        try await withTenant(
            users,
            {
                $0.clock = clock
                $0.tokenTTL = 600
            }
        ) { tenant in
            let summary = try await tenant.apply(
                plan, settings: tenant.settings(limits: RateLimit(rate: 80, burst: 5), concurrency: 4)
            ) { engine in
                await waitUntil { engine.progress().done >= 10 }
                clock.advance(by: 3600)  // every token issued so far is now expired
            }
            #expect(summary.exitCode == 0, "\(summary)")
            let requests = await tenant.store.requests()
            #expect(requests.count { $0.path == "/oauth/token" } >= 2, "a second token was fetched")
            #expect(requests.contains { $0.status == 401 }, "the old token was refused")
            await Self.expectAppliedExactlyOnce(plan, in: tenant)
        }
    }

    @Test("a user that no longer exists fails with its reason; the others are applied; exit 4")
    func missingUser() async throws {
        let (users, plan) = Fixture.enableAll(10)
        let gone = plan.operations[4].userID
        try await withTenant(users.filter { $0.id != gone }) { tenant in
            let summary = try await tenant.apply(plan)
            #expect(summary.exitCode == 4)
            #expect(summary.ending == .completed)
            #expect(summary.done == 9 && summary.failed == 1)
            let failure = try #require(summary.failures.first)
            #expect(failure.userID == gone && failure.httpStatus == 404)
            #expect(failure.reason.contains("does not exist"))
            let record = try #require(
                try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan).records([.failed]).first)
            #expect(record.userID == gone && record.httpStatus == 404 && record.attempts == 1)
            #expect(record.lastError?.contains("404") == true)
        }
    }

    @Test("--verify-current skips operations whose flag changed since the export")
    func verifyCurrentDrift() async throws {
        let (users, plan) = Fixture.enableAll(12)
        let drifted = plan.operations[3]
        try await withTenant(users) { tenant in
            // Someone turned it off meanwhile (absent → false), through the admin surface.
            try await tenant.adminPatch([["user_id": drifted.userID, "app_metadata": ["use_mfa": false]]])
            #expect(await tenant.flag(drifted.userID) == .off)
            let summary = try await tenant.apply(plan, options: ApplyOptions(verifyCurrent: true))
            #expect(summary.exitCode == 0)
            #expect(summary.done == 11 && summary.skippedDrift == 1 && summary.failed == 0)
            #expect(summary.drifted.map(\.userID) == [drifted.userID])
            #expect(await tenant.patches()[drifted.id] == nil, "nothing sent for the drifted user")
            #expect(await tenant.flag(drifted.userID) == .off)
            let gets = await tenant.store.requests().count { $0.method == "GET" }
            #expect(gets == 12)
            let records = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan).records()
            let skipped = try #require(records.first { $0.id == drifted.id })
            #expect(skipped.status == .skippedDrift && skipped.valueBefore == .off && skipped.valueBeforeObserved)
            #expect(records.filter { $0.status == .done }.allSatisfy { $0.valueBeforeObserved && $0.attempts == 2 })
        }
    }

    @Test("the error budget stops the run cleanly: no new operations after it is exceeded")
    func errorBudget() async throws {
        let (users, plan) = Fixture.enableAll(20)
        let missing = Set(plan.operations.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.userID))
        try await withTenant(users.filter { !missing.contains($0.id) }) { tenant in
            let summary = try await tenant.apply(plan, options: ApplyOptions(maxFailures: 2, concurrency: 1))
            #expect(summary.ending == .errorBudgetExceeded)
            #expect(summary.exitCode == 4)
            #expect(summary.failed == 3, "the third failure exceeds a budget of 2")
            #expect(summary.pending > 0)
            let sent = await tenant.patches().values.reduce(0) { $0 + $1.count }
            #expect(sent == summary.done + summary.failed, "nothing sent after the stop")
            let journal = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan)
            #expect(try journal.counts()[.pending] == summary.pending)
            // Only the operations a run sent have a row; the rest are pending without one.
            #expect(try journal.records().count == summary.done + summary.failed)
        }
    }

    @Test("resume: a stopped run is completed by the next one; done operations are never re-sent")
    func resumeAfterStop() async throws {
        let (users, plan) = Fixture.enableAll(40)
        try await withTenant(users) { tenant in
            // 20/s: the whole plan takes 2 s, time enough for the stop to land before the end
            // even on a loaded machine.
            let settings = tenant.settings(limits: RateLimit(rate: 20, burst: 1), concurrency: 2)
            let first = try await tenant.apply(plan, settings: settings) { engine in
                await waitUntil { engine.progress().done >= 8 }
                engine.stop()
            }
            #expect(first.ending == .stopped)
            #expect(first.exitCode == 1)
            #expect(first.done >= 8 && first.done < 40)
            #expect(first.pending == 40 - first.done)
            let afterFirst = await tenant.patches()
            #expect(afterFirst.count == first.done, "in-flight requests finished and were journaled")

            let second = try await tenant.apply(plan, settings: tenant.settings())
            #expect(second.exitCode == 0)
            #expect(second.doneThisRun == 40 - first.done)
            #expect(second.done == 40)
            let patches = await tenant.patches()
            #expect(patches.values.allSatisfy { $0.count == 1 }, "no operation sent twice")
            await Self.expectAppliedExactlyOnce(plan, in: tenant)

            // A third run has nothing to do and sends nothing.
            let before = await tenant.store.requests().count
            let third = try await tenant.apply(plan)
            #expect(third.exitCode == 0 && third.doneThisRun == 0)
            #expect(await tenant.store.requests().count == before)
        }
    }

    @Test("an operation left in flight by a crash is sent again")
    func inFlightIsResent() async throws {
        let (users, plan) = Fixture.enableAll(5)
        try await withTenant(users) { tenant in
            do {
                let journal = try ApplyJournal.open(path: tenant.journalPath(), plan: plan, tenant: Fixture.tenant)
                // A crash right after the request for operation 2 went out (and was applied).
                try await journal.markInFlight(2, plan.operations[2])
                await tenant.store.put(Fixture.user(plan.operations[2].userID, .on))
                #expect(try journal.counts()[.inFlight] == 1)
            }
            let summary = try await tenant.apply(plan)
            #expect(summary.done == 5 && summary.exitCode == 0)
            let resent = try #require(await tenant.patches()[plan.operations[2].id])
            #expect(resent.count == 1 && !resent[0].changed, "re-sent; the tenant already had the value")
        }
    }

    @Test("failed operations are retried by the next run")
    func failedAreRetried() async throws {
        let (users, plan) = Fixture.enableAll(6)
        let late = users[1]
        try await withTenant(users.filter { $0.id != late.id }) { tenant in
            let first = try await tenant.apply(plan)
            #expect(first.failed == 1 && first.exitCode == 4)
            await tenant.store.put(late)  // the user shows up
            let second = try await tenant.apply(plan)
            #expect(second.exitCode == 0 && second.doneThisRun == 1 && second.failed == 0)
            await Self.expectAppliedExactlyOnce(plan, in: tenant)
        }
    }

    @Test("bad credentials stop before any user is touched")
    func badCredentials() async throws {
        let (users, plan) = Fixture.enableAll(3)
        try await withTenant(users) { tenant in
            let settings = tenant.settings(
                credentials: .clientCredentials(clientID: "emulator-client", secret: ClientSecret("wrong-secret")))
            await #expect(throws: ManagementAPIError.self) { try await tenant.apply(plan, settings: settings) }
            #expect(await tenant.patches().isEmpty)
            let journal = try ApplyJournal.openExisting(path: tenant.journalPath(), plan: plan)
            #expect(try journal.counts()[.pending] == 3)
        }
    }

    @Test("a missing scope (403) ends the run as a fatal error, the operation stays pending")
    func missingScopeIsFatal() async throws {
        let (users, plan) = Fixture.enableAll(5)
        try await withTenant(users, { $0.scopes = ["read:users"] }) { tenant in
            let summary = try await tenant.apply(plan, options: ApplyOptions(concurrency: 1))
            #expect(summary.ending == .fatalError)
            #expect(summary.exitCode == 1)
            #expect(summary.fatalError?.contains("403") == true)
            #expect(summary.pending == 5 && summary.failed == 0)
            #expect(await tenant.patches().values.reduce(0) { $0 + $1.count } == 1, "one request, then stop")
        }
    }
}
