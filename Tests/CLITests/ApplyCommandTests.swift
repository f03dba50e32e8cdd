import Foundation
import MFARollout
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("mfa-rollout apply, status, undo")
struct ApplyCommandTests {
    @Test("apply → status → undo → apply the undo plan, through the binary; no secret in any output")
    func endToEnd() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "40", "--client-secret", "cli-secret-4711"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let users = try await emulator.users()
        // One user of the export is gone from the tenant: a 404, exit 4.
        let gone = "auth0|deleted-since-the-export"
        let (plan, path) = try Fixture.writePlan(
            for: users + [EmulatedUser(id: gone, flag: "absent")], tenant: emulator.domain, in: dir)

        let env = ["AUTH0_CLIENT_SECRET": "cli-secret-4711"]
        let connection = [
            "--domain", emulator.domain, "--allow-http", "--client-id", "emulator-client", "--rate", "200", "--burst",
            "20",
        ]
        let apply = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint, "--json"] + connection, environment: env)
        #expect(apply.status == 4, "stderr: \(apply.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(apply.stdout.utf8)) as? [String: Any])
        #expect(summary["done"] as? Int == plan.operations.count - 1)
        #expect(summary["failed"] as? Int == 1)
        #expect((summary["failures"] as? [[String: Any]])?.first?["user_id"] as? String == gone)

        let status = try await ProcessRun.run(["status", path, "--json"])
        #expect(status.status == 0, "stderr: \(status.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(counts["done"] == plan.operations.count - 1 && counts["failed"] == 1)
        let text = try await ProcessRun.run(["status", path])
        #expect(text.stdout.contains("does not exist"))

        // Undo, then apply the undo plan: back to the values before.
        let undoPath = dir.appendingPathComponent("undo.json").path
        let undo = try await ProcessRun.run(["undo", path, "--out", undoPath])
        #expect(undo.status == 0, "stderr: \(undo.stderr)")
        let undoPlan = try PlanFile.read(from: undoPath)
        #expect(undoPlan.operations.count == plan.operations.count - 1)
        #expect(undoPlan.tenant == plan.tenant, "an undo plan is for the plan's tenant")
        let elsewhere = try await ProcessRun.run(
            ["undo", path, "--out", dir.appendingPathComponent("undo2.json").path, "--domain", "acme.eu.auth0.com"])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.contains("was made for tenant"))
        #expect(undo.stdout.contains(undoPlan.fingerprint))
        let refused = try await ProcessRun.run(
            ["apply", undoPath, "--approve", undoPlan.fingerprint] + connection, environment: env)
        #expect(refused.status == 1, "undo turns MFA off: needs --allow-disable")
        #expect(refused.stderr.contains("--allow-disable"))
        // This time with a ready token (AUTH0_TOKEN), whose text the test knows.
        let token = try #require(try await emulator.tokensIssued(secret: "cli-secret-4711").first)
        let tokenConnection = ["--domain", emulator.domain, "--allow-http", "--rate", "200", "--burst", "20"]
        let reverted = try await ProcessRun.run(
            ["apply", undoPath, "--allow-disable", "--approve", undoPlan.fingerprint] + tokenConnection,
            environment: ["AUTH0_TOKEN": token, "AUTH0_CLIENT_SECRET": ""])
        #expect(reverted.status == 0, "stderr: \(reverted.stderr)")
        let after = try await emulator.users()
        for user in users {
            #expect(after.first { $0.id == user.id }?.flag == user.flag, "\(user.id) restored")
        }

        // Secrets never show: not the client secret, not the token.
        var everything = [apply, status, text, undo, refused, reverted].map { $0.stdout + $0.stderr }.joined()
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            everything += String(
                decoding: FileManager.default.contents(atPath: dir.appendingPathComponent(file).path) ?? Data(),
                as: UTF8.self)
        }
        #expect(everything.count > 1000)
        #expect(!everything.contains("cli-secret-4711"))
        #expect(!everything.contains(token))
    }

    @Test(
        "refusals exit 1 and send nothing: no or wrong --approve, another tenant, an edited plan, a stale plan, bad credentials setup"
    )
    func refusals() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "5"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await emulator.users(), tenant: emulator.domain, in: dir)
        let connection = ["--domain", emulator.domain, "--allow-http", "--client-id", "emulator-client"]
        let env = ["AUTH0_CLIENT_SECRET": "emulator-secret"]

        let wrong = try await ProcessRun.run(
            ["apply", path, "--approve", "sha256:" + String(repeating: "0", count: 64)] + connection, environment: env)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("does not match the plan's fingerprint"))

        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: plan.operations[0].userID, with: "auth0|someone-else")
        let edited = dir.appendingPathComponent("edited.json").path
        try text.write(toFile: edited, atomically: true, encoding: .utf8)
        let tampered = try await ProcessRun.run(
            ["apply", edited, "--approve", plan.fingerprint] + connection, environment: env)
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("changed after it was made"))

        // No --approve, and no terminal to ask on: refused, naming what to pass.
        let unapproved = try await ProcessRun.run(["apply", path] + connection, environment: env)
        #expect(unapproved.status == 1)
        #expect(unapproved.stderr.contains("nothing is approved"), "stderr: \(unapproved.stderr)")
        let tooShort = try await ProcessRun.run(
            ["apply", path, "--approve", String(plan.fingerprint.prefix(7 + 11))] + connection, environment: env)
        #expect(tooShort.status == 1)
        #expect(tooShort.stderr.contains("at least its first 12 hex digits"))

        // Another tenant than the plan's: refused before any connection.
        let otherTenant = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint, "--domain", "acme.eu.auth0.com", "--client-id", "a"],
            environment: env)
        #expect(otherTenant.status == 1)
        #expect(otherTenant.stderr.contains("was made for tenant \(emulator.domain), not acme.eu.auth0.com"))

        let stale = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint, "--max-age", "0s"] + connection, environment: env)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("--allow-stale"))

        let noSecret = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint] + connection, environment: ["AUTH0_CLIENT_SECRET": ""])
        #expect(noSecret.status == 1)
        #expect(noSecret.stderr.contains("AUTH0_CLIENT_SECRET"))

        let bareSecret = try await ProcessRun.run(["apply", path, "--client-secret", "x"] + connection)
        #expect(bareSecret.status == 1, "no option takes a secret on the command line")

        // Plain HTTP only to a literal loopback address or exactly `localhost`; `localhost.`
        // would be resolved through DNS.
        for host in ["tenant.example.com", "localhost."] {
            let otherDir = try CLIRunner.temporaryDirectory()
            let (remote, remotePath) = try Fixture.writePlan(
                for: try await emulator.users(), tenant: "\(host):\(emulator.port)", in: otherDir)
            let notLoopback = try await ProcessRun.run(
                [
                    "apply", remotePath, "--approve", remote.fingerprint, "--domain", "\(host):\(emulator.port)",
                    "--allow-http",
                    "--client-id", "a",
                ],
                environment: env)
            #expect(notLoopback.status == 1)
            #expect(notLoopback.stderr.contains("loopback"), "\(host): \(notLoopback.stderr)")
        }

        #expect(try await emulator.requests().isEmpty, "nothing was sent")
        #expect(!FileManager.default.fileExists(atPath: path + ".journal.sqlite"), "no journal for a refused plan")
    }
}

extension ApplyCommandTests {
    @Test("SIGTERM stops gracefully: in-flight requests finish and are journaled, the summary says how to resume")
    func gracefulStop() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "120", "--latency-ms", "20"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await emulator.users(), tenant: emulator.domain, in: dir)
        let arguments = [
            "apply", path, "--approve", plan.fingerprint, "--domain", emulator.domain, "--allow-http", "--client-id",
            "emulator-client", "--rate", "5", "--burst", "2", "--concurrency", "4",
        ]
        let env = ["AUTH0_CLIENT_SECRET": "emulator-secret"]
        // SIGTERM once the run is under way (not timed: the tenant's log says so). At 5/s the
        // run lasts about 16 s, so a loaded machine still stops it midway.
        let stopped = try await ProcessRun.run(arguments, environment: env, killAfter: .zero, signal: SIGTERM) {
            ((try? await emulator.requests()) ?? []).count { $0["method"] as? String == "PATCH" } >= 5
        }
        #expect(stopped.killed)
        #expect(stopped.status == 1, "stdout: \(stopped.stdout) stderr: \(stopped.stderr)")
        #expect(stopped.stderr.contains("SIGTERM received"))
        #expect(stopped.stdout.contains("Stopped on request"))
        #expect(stopped.stdout.contains("To resume"))
        #expect(stopped.stdout.contains("mfa-rollout apply \(path)"))

        // Nothing is left in flight, and the journal agrees with the tenant.
        let status = try await ProcessRun.run(["status", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(counts["in-flight"] == 0)
        let done = counts["done"] ?? 0
        #expect(done > 0 && done < plan.operations.count)
        let applied = try await emulator.requests().filter {
            $0["method"] as? String == "PATCH" && $0["changed"] as? Bool == true
        }
        #expect(applied.count == done)

        let resumed = try await ProcessRun.run(arguments + ["--rate", "500", "--burst", "50"], environment: env)
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        let all = try await emulator.requests().filter { $0["method"] as? String == "PATCH" }
        #expect(all.count == plan.operations.count, "no operation sent twice")
    }

    @Test(
        "the same plan from a copy with a journal of its own, during the first run and after it: refused, nothing sent twice"
    )
    func copiesNeverOverlap() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "40", "--latency-ms", "20"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await emulator.users(), tenant: emulator.domain, in: dir)
        let copy = dir.appendingPathComponent("copy.json").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let options = [
            "--approve", plan.fingerprint, "--domain", emulator.domain, "--allow-http", "--client-id",
            "emulator-client",
            "--rate", "5", "--burst", "2", "--concurrency", "2",
        ]
        let env = ["AUTH0_CLIENT_SECRET": "emulator-secret"]
        async let first = ProcessRun.run(["apply", path] + options, environment: env)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline,
            ((try? await emulator.requests()) ?? []).count(where: { $0["method"] as? String == "PATCH" }) < 2
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        let second = try await ProcessRun.run(["apply", copy] + options, environment: env)
        #expect(second.status == 1)
        // Refused as overlapping; or, should a loaded machine have let the first run end
        // before the second started, as applied already.
        #expect(
            second.stderr.contains("another run of plan \(plan.fingerprint)")
                || second.stderr.contains("was applied to \(emulator.domain) from this host"), "\(second.stderr)")
        let firstRun = try await first
        #expect(firstRun.status == 0, "\(firstRun.stderr)")
        // After the first run ended, the copy still does not apply the plan again.
        let third = try await ProcessRun.run(["apply", copy] + options, environment: env)
        #expect(third.status == 1)
        #expect(third.stderr.contains("was applied to \(emulator.domain) from this host"), "\(third.stderr)")
        // The original resumes (nothing left to do).
        let again = try await ProcessRun.run(["apply", path] + options, environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        let patches = try await emulator.requests().filter { $0["method"] as? String == "PATCH" }
        #expect(patches.count == plan.operations.count, "every operation once")
    }

    @Test("credentials from files; conflicting credential options are refused")
    func credentialFiles() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "6"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await emulator.users(), tenant: emulator.domain, in: dir)
        let secretFile = dir.appendingPathComponent("secret").path
        try "emulator-secret\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        // Approved by the fingerprint's first 12 hex digits, as a person may type them.
        let approval = String(plan.fingerprint.dropFirst("sha256:".count).prefix(12))
        let base = ["apply", path, "--approve", approval, "--domain", emulator.domain, "--allow-http"]
        let clean = ["AUTH0_CLIENT_SECRET": "", "AUTH0_TOKEN": ""]

        let conflicting = try await ProcessRun.run(
            base + ["--client-id", "emulator-client", "--token-file", secretFile], environment: clean)
        #expect(conflicting.status == 1)
        let missingFile = try await ProcessRun.run(
            base + ["--client-id", "emulator-client", "--client-secret-file", secretFile + ".nope"], environment: clean)
        #expect(missingFile.status == 1)
        #expect(missingFile.stderr.contains("cannot read the client secret file"))

        let fromFile = try await ProcessRun.run(
            base + ["--client-id", "emulator-client", "--client-secret-file", secretFile], environment: clean)
        #expect(fromFile.status == 0, "stderr: \(fromFile.stderr)")
        #expect(!(fromFile.stdout + fromFile.stderr).contains("emulator-secret"))
    }
}
