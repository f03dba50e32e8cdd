import Foundation
import Logging
import MFARollout
import ManagementAPI
import TenantEmulator
import TestSupport
import Testing

@testable import Rollout

/// A virtual APIClock driving the emulator's ManualClock: sleeping advances both at once, so
/// export polling and link expiry are tested without waiting.
struct EmulatorDrivenClock: APIClock {
    let manual: ManualClock
    let origin: Double

    init(_ manual: ManualClock) {
        self.manual = manual
        self.origin = manual.now()
    }

    var now: Duration { .nanoseconds(Int64((manual.now() - origin) * 1e9)) }

    func sleep(until deadline: Duration) async throws {
        let wait = (deadline - now).seconds
        if wait > 0 { manual.advance(by: wait) }
        await Task.yield()
    }
}

/// Writes a policy into a fresh directory; the out directory sits beside it.
struct ReconcileFixture {
    let directory: String
    let policyPath: String
    var outDirectory: String { directory + "/out" }

    init(_ yaml: String = ReconcileFixture.staffPolicy) throws {
        directory = try TestPlans.temporaryDirectory()
        policyPath = directory + "/policy.yaml"
        try yaml.write(toFile: policyPath, atomically: true, encoding: .utf8)
    }

    /// Selects everyone at acme.com.
    static let staffPolicy = """
        version: 1
        flag:
          location: app_metadata.use_mfa
        mode: enable-only
        rules:
          - name: staff
            when:
              column: email
              domain: acme.com

        """

    func request(
        _ emulator: RunningEmulator, autoApply: Bool = false,
        polling: ReconcileExporter.Polling = .init(initialInterval: .milliseconds(20)), keepExport: Bool = false
    ) -> ReconcileRequest {
        ReconcileRequest(
            policyPath: policyPath, outDirectory: outDirectory,
            connection: ConnectionSettings(
                domain: "127.0.0.1:\(emulator.port)", allowInsecureHTTP: true,
                credentials: .clientCredentials(clientID: "emulator-client", secret: ClientSecret("emulator-secret")),
                limits: .custom(RateLimit(rate: 1000, burst: 100)), concurrency: 4,
                retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50)),
                requestTimeout: .seconds(10)),
            autoApply: autoApply, polling: polling, keepExport: keepExport)
    }

    func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: outDirectory).sorted()
    }

    func prom() throws -> String {
        try String(contentsOfFile: outDirectory + "/mfa_rollout.prom", encoding: .utf8)
    }
}

func flagOf(_ store: TenantStore, _ id: String) async -> TenantEmulator.JSONValue? {
    await store.user(id: id)?.appMetadata["use_mfa"]
}

@Suite("reconcile: export, plan, apply against the emulator")
struct ReconcileTests {
    static let users = [
        emulatorUser("auth0|staff-on", email: "on@acme.com", mfa: true),
        emulatorUser("auth0|staff-absent", email: "absent@acme.com", mfa: nil),
        emulatorUser("samlp|acme|it's@acme.com", email: "it's@acme.com", mfa: false),
        emulatorUser("auth0|customer", email: "c@example.org", mfa: nil),
    ]

    @Test(
        "Round trip: changes found and left for approval, auto-applied, drift found and fixed, then in sync",
        .enabled(if: ExternalTool.available("curl"), "needs curl, to change the tenant as someone else would"))
    func roundTrip() async throws {
        let fixture = try ReconcileFixture()
        try await withTestEmulator(users: Self.users) { emulator in
            // 1. Without --auto-apply: a plan waits for approval, nothing is sent.
            let first = try await Reconciler(fixture.request(emulator)).run()
            #expect(first.outcome == .changesPending)
            #expect(first.exitCode == 2)
            #expect(first.plan?.enable == 2 && first.plan?.rows == 4)
            #expect(await emulator.store.requests().filter { $0.method == "PATCH" }.isEmpty)
            let planPath = try #require(first.plan?.path)
            let plan = try PlanFile.read(from: planPath)
            #expect(Set(plan.operations.map(\.userID)) == ["auth0|staff-absent", "samlp|acme|it's@acme.com"])
            #expect(planPath.range(of: #"/plan-\d{8}T\d{6}Z(-\d+)?\.json$"#, options: .regularExpression) != nil)
            for report in first.reports { #expect(FileManager.default.fileExists(atPath: report)) }
            #expect(first.reports.count == 3)
            // The export was deleted.
            #expect(try fixture.files().filter { $0.hasPrefix("export-") }.isEmpty)

            // 2. With --auto-apply: applied through the engine.
            let second = try await Reconciler(fixture.request(emulator, autoApply: true)).run()
            #expect(second.outcome == .applied)
            #expect(second.exitCode == 0)
            #expect(second.apply?.doneThisRun == 2)
            #expect(await flagOf(emulator.store, "auth0|staff-absent") == .bool(true))
            #expect(await flagOf(emulator.store, "samlp|acme|it's@acme.com") == .bool(true))
            #expect(await flagOf(emulator.store, "auth0|customer") == nil)

            // 3. Drift, through the emulator's admin API: someone turns MFA off for a staff
            //    user (a PATCH-style merge), a new staff user arrives.
            let curl = try #require(ExternalTool.path("curl"))
            let admin = emulator.baseURL + "/__emulator/users"
            let turnedOff = try await runProcessAsync(
                curl,
                [
                    "-sS", "--fail-with-body", "-H", "Content-Type: application/json", "--data-binary",
                    #"{"user_id":"auth0|staff-on","app_metadata":{"use_mfa":false}}"#, admin + "?mode=patch",
                ])
            #expect(turnedOff.status == 0, "\(turnedOff.stdout)\(turnedOff.stderr)")
            let hired = try await runProcessAsync(
                curl,
                [
                    "-sS", "--fail-with-body", "-H", "Content-Type: application/json", "--data-binary",
                    #"{"user_id":"auth0|new-hire","email":"new@acme.com","identities":[{"connection":"Username-Password-Authentication","provider":"auth0"}]}"#,
                    admin,
                ])
            #expect(hired.status == 0, "\(hired.stdout)\(hired.stderr)")
            #expect(await flagOf(emulator.store, "auth0|staff-on") == .bool(false))
            await emulator.store.clearRequests()
            let third = try await Reconciler(fixture.request(emulator, autoApply: true)).run()
            #expect(third.outcome == .applied)
            #expect(third.apply?.doneThisRun == 2)
            let patched = Set(await emulator.store.requests().filter { $0.method == "PATCH" }.map(\.path))
            #expect(patched == ["/api/v2/users/auth0%7Cstaff-on", "/api/v2/users/auth0%7Cnew-hire"])

            // 4. In sync: exit 0, nothing sent.
            await emulator.store.clearRequests()
            let fourth = try await Reconciler(fixture.request(emulator, autoApply: true)).run()
            #expect(fourth.outcome == .inSync)
            #expect(fourth.exitCode == 0)
            #expect(fourth.apply == nil)
            #expect(await emulator.store.requests().filter { $0.method == "PATCH" }.isEmpty)

            // Every run kept its own plan; metrics describe the last and count all.
            #expect(try fixture.files().filter { $0.hasPrefix("plan-") && $0.hasSuffix(".json") }.count == 4)
            let prom = try fixture.prom()
            #expect(prom.contains("\nmfa_rollout_applied_total 4\n"))
            #expect(prom.contains("\nmfa_rollout_outcome{outcome=\"in-sync\"} 1\n"))
            #expect(prom.contains("\nmfa_rollout_outcome{outcome=\"applied\"} 0\n"))
            #expect(prom.contains("\nmfa_rollout_rows 5\n"))
            let summaryData = try Data(
                contentsOf: URL(fileURLWithPath: fixture.outDirectory + "/reconcile-summary.json"))
            let summary = try JSONSerialization.jsonObject(with: summaryData) as? [String: Any]
            #expect(summary?["outcome"] as? String == "in-sync")
            #expect(summary?["exit_code"] as? Int == 0)
        }
    }

    @Test(
        "The export asks for exactly the policy's fields, and multifactor[0] for enrollment progress",
        .enabled(if: ExternalTool.available("gzip"), "needs gzip"))
    func exportFields() async throws {
        let fixture = try ReconcileFixture()
        try await withTestEmulator(users: Self.users) { emulator in
            let summary = try await Reconciler(fixture.request(emulator, keepExport: true)).run()
            let kept = try #require(summary.export?.keptAt)
            let gzip = try #require(ExternalTool.path("gzip"))
            let text = try await runProcessAsync(gzip, ["-dc", kept]).stdout
            let header = text.split(separator: "\n").first.map(String.init)
            #expect(
                header
                    == #""user_id","email","identities[0].connection","app_metadata.use_mfa","app_metadata.use_mfa_source","multifactor[0]""#
            )
        }
    }

    @Test("A tripped guard applies nothing, even with --auto-apply")
    func guardTrip() async throws {
        let fixture = try ReconcileFixture(ReconcileFixture.staffPolicy + "guards:\n  max_changes: 1\n")
        try await withTestEmulator(users: Self.users) { emulator in
            let summary = try await Reconciler(fixture.request(emulator, autoApply: true)).run()
            #expect(summary.outcome == .guardTripped)
            #expect(summary.exitCode == 3)
            #expect(summary.plan?.applicable == false)
            #expect(summary.plan?.trippedGuards.count == 1)
            #expect(await emulator.store.requests().filter { $0.method == "PATCH" }.isEmpty)
            #expect(try fixture.files().filter { $0.contains("journal") }.isEmpty)
            #expect(try fixture.prom().contains("\nmfa_rollout_guard_tripped 1\n"))
        }
    }

    @Test("Polling waits for a slow job; an expired link is replaced by a fresh one")
    func pollingAndLinkExpiry() async throws {
        let fixture = try ReconcileFixture()
        let manual = ManualClock(start: Date().timeIntervalSince1970)
        try await withTestEmulator(
            users: Self.users,
            {
                $0.clock = manual
                $0.exportDelay = 600
                $0.downloadLinkTTL = 60
            }
        ) { emulator in
            let polling = ReconcileExporter.Polling(
                timeout: .seconds(3600), initialInterval: .seconds(1), maximumInterval: .seconds(60))
            // The first link is let expire before it is used.
            let reconciler = Reconciler(
                fixture.request(emulator, polling: polling), clock: EmulatorDrivenClock(manual),
                logger: Reconciler.quietLogger,
                beforeDownload: { attempt in if attempt == 1 { manual.advance(by: 61) } })
            let summary = try await reconciler.run()
            #expect(summary.outcome == .changesPending, "\(summary.error ?? "")")
            let export = try #require(summary.export)
            #expect(export.downloadAttempts == 2)
            // 1, 2, 4, …, 60, 60 s: enough polls to cover 600 s, with backoff (not 600 polls).
            #expect(export.polls >= 5 && export.polls <= 20)
            let downloads = await emulator.store.requests().filter { $0.path.hasPrefix("/__downloads/") }
            #expect(downloads.map(\.status) == [403, 200])
        }
    }

    @Test("Links that keep expiring fail the run after the allowed attempts; metrics say error")
    func linksKeepExpiring() async throws {
        let fixture = try ReconcileFixture()
        try await withTestEmulator(
            users: Self.users,
            {
                $0.exportDelay = 0
                $0.downloadLinkTTL = 0
            }
        ) { emulator in
            let summary = try await Reconciler(fixture.request(emulator)).run()
            #expect(summary.outcome == .error)
            #expect(summary.exitCode == 1)
            #expect(summary.error?.contains("after 3 fresh link(s)") == true)
            #expect(summary.plan == nil)
            #expect(try fixture.prom().contains("\nmfa_rollout_outcome{outcome=\"error\"} 1\n"))
        }
    }

    @Test("A job that never completes times out; the last success is kept from the previous file")
    func exportTimeout() async throws {
        let fixture = try ReconcileFixture()
        let manual = ManualClock(start: Date().timeIntervalSince1970)
        try FileManager.default.createDirectory(atPath: fixture.outDirectory, withIntermediateDirectories: true)
        try """
        # TYPE mfa_rollout_applied_total counter
        mfa_rollout_applied_total 7
        mfa_rollout_last_success_timestamp_seconds 1700000000

        """.write(toFile: fixture.outDirectory + "/mfa_rollout.prom", atomically: true, encoding: .utf8)
        try await withTestEmulator(
            users: Self.users,
            {
                $0.clock = manual
                $0.exportDelay = 1_000_000
            }
        ) { emulator in
            let polling = ReconcileExporter.Polling(
                timeout: .seconds(120), initialInterval: .seconds(1), maximumInterval: .seconds(30))
            let reconciler = Reconciler(
                fixture.request(emulator, polling: polling), clock: EmulatorDrivenClock(manual),
                logger: Reconciler.quietLogger,
                beforeDownload: nil)
            let summary = try await reconciler.run()
            #expect(summary.outcome == .error)
            #expect(summary.error?.contains("did not complete within 120 s") == true)
            #expect(summary.lastSuccessAt == Date(timeIntervalSince1970: 1_700_000_000))
            let prom = try fixture.prom()
            #expect(prom.contains("\nmfa_rollout_last_success_timestamp_seconds 1700000000\n"))
            #expect(prom.contains("\nmfa_rollout_applied_total 7\n"))
        }
    }

    @Test("A second run while the first holds the lock exits at once, naming the holder, touching nothing")
    func lockHeld() async throws {
        let fixture = try ReconcileFixture()
        try FileManager.default.createDirectory(atPath: fixture.outDirectory, withIntermediateDirectories: true)
        try await withTestEmulator(users: Self.users) { emulator in
            let held = try RunLock.acquire(path: fixture.outDirectory + "/" + Reconciler.lockFileName)
            do {
                _ = try await Reconciler(fixture.request(emulator)).run()
                Issue.record("the run should have been refused")
            } catch let failure as RunLock.Failure {
                guard case .held(_, let holder) = failure else {
                    Issue.record("unexpected \(failure)")
                    return
                }
                #expect(holder.pid == getpid())
                #expect(holder.startedAt != nil)
                #expect(failure.description.contains("PID \(getpid())"))
            }
            #expect(try fixture.files() == [Reconciler.lockFileName])
            #expect(await emulator.store.requests().isEmpty)
            held.release()
            let summary = try await Reconciler(fixture.request(emulator)).run()
            #expect(summary.outcome == .changesPending)
        }
    }
}

@Suite("reconcile: pieces")
struct ReconcilePieceTests {
    func policy(_ yaml: String) throws -> Policy {
        try Policy.parse(yaml: yaml, file: "policy.yaml", baseDirectory: "/")
    }

    @Test("Fields: one per needed column, named as the column; export_as only where a known field is renamed")
    func fieldMapping() throws {
        let fields = try ReconcileExportFields.fields(
            for: policy(
                """
                version: 1
                flag:
                  location: app_metadata.use_mfa
                  column: use_mfa
                rules:
                  - name: it
                    when:
                      column: app_metadata.department
                      equals: it
                  - name: active
                    when:
                      column: logins_count
                      gte: 5

                """))
        #expect(
            fields == [
                ExportField(name: "user_id"), ExportField(name: "email"), ExportField(name: "identities[0].connection"),
                ExportField(name: "app_metadata.use_mfa", exportAs: "use_mfa"),
                ExportField(name: "app_metadata.use_mfa_source"),
                ExportField(name: "app_metadata.department"),
                ExportField(name: "logins_count"),
            ])
    }

    @Test("More than 30 columns is an error naming the count")
    func tooManyFields() throws {
        let rules = (1...28).map { "  - name: r\($0)\n    when:\n      column: app_metadata.c\($0)\n      equals: x\n" }
            .joined()
        let policy = try policy("version: 1\nrules:\n" + rules)
        #expect(policy.columnsNeeded.count == 33)
        #expect(throws: ReconcileError.tooManyFields(count: 33, limit: 30, columns: policy.columnsNeeded)) {
            try ReconcileExportFields.fields(for: policy)
        }
    }

    @Test("A policy for another CSV shape is refused")
    func dialect() throws {
        let rule = "rules:\n  - name: all\n    when:\n      column: email\n      domain: acme.com\n"
        let semicolon = try policy("version: 1\ncsv:\n  delimiter: \";\"\n" + rule)
        #expect(throws: ReconcileError.self) { try ReconcileExportFields.fields(for: semicolon) }
        let plain = try policy("version: 1\ncsv:\n  auth0_escaping: off\n" + rule)
        #expect(throws: ReconcileError.self) { try ReconcileExportFields.fields(for: plain) }
    }

    @Test("Run lock: a second taker is refused with the holder's details; free again after release")
    func runLock() throws {
        let path = try TestPlans.temporaryDirectory() + "/lock"
        let first = try RunLock.acquire(path: path, now: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(throws: RunLock.Failure.self) { try RunLock.acquire(path: path) }
        do {
            _ = try RunLock.acquire(path: path)
        } catch {
            guard case .held(_, let holder) = error else { throw error }
            #expect(holder.pid == getpid())
            #expect(holder.startedAt == "2026-11-18T11:06:40Z")
        }
        first.release()
        let second = try RunLock.acquire(path: path)
        second.release()
    }

    @Test(
        "Run lock: released by the kernel when the holding process dies",
        .enabled(if: ExternalTool.available("python3"), "needs python3, to hold the lock from another process"))
    func runLockDeadHolder() async throws {
        let python = try #require(ExternalTool.path("python3"))
        let path = try TestPlans.temporaryDirectory() + "/lock"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: python)
        holder.arguments = [
            "-c", "import fcntl,time; f=open('\(path)','a'); fcntl.flock(f, fcntl.LOCK_EX); time.sleep(120)",
        ]
        try holder.run()
        // Wait until the child holds it.
        var heldByChild = false
        for _ in 0..<500 {
            do {
                try RunLock.acquire(path: path).release()
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                heldByChild = true
                break
            }
        }
        #expect(heldByChild)
        // Dies without any chance to clean up.
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let lock = try RunLock.acquire(path: path)
        lock.release()
    }
}
