import Foundation
import MFARollout
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("mfa-rollout apply survives kill -9")
struct ApplyCrashTests {
    @Test("killed with SIGKILL at random points, re-run until done: every operation applied, none twice")
    func killAndResume() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "400", "--seed", "11", "--latency-ms", "5"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await emulator.users(), tenant: emulator.domain, in: dir)
        #expect(plan.operations.count > 250, "enough work that every kill lands mid-run")
        let arguments = [
            "apply", path, "--approve", plan.fingerprint, "--domain", emulator.domain, "--allow-http",
            "--client-id", "emulator-client", "--rate", "60", "--burst", "5", "--concurrency", "4",
        ]
        let env = ["AUTH0_CLIENT_SECRET": "emulator-secret"]

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for _ in 0..<4 {
            let run = try await ProcessRun.run(
                arguments, environment: env, killAfter: .milliseconds(Int.random(in: 250...900, using: &generator)))
            if run.killed {
                kills += 1
            } else {
                Issue.record("apply ended by itself before the kill: status \(run.status), stderr: \(run.stderr)")
                break
            }
        }
        #expect(kills >= 3, "the run was interrupted several times")
        // Then to the end, faster (the last value of an option wins).
        let finish = arguments + ["--rate", "500", "--burst", "50"]
        var final = try await ProcessRun.run(finish, environment: env)
        for _ in 0..<3 where final.status != 0 {
            final = try await ProcessRun.run(finish, environment: env)
        }
        #expect(final.status == 0, "stderr: \(final.stderr)")

        // Every operation took effect exactly once; every other PATCH of it changed nothing.
        let patches = try await emulator.requests().filter { $0["method"] as? String == "PATCH" }
        var changed: [String: Int] = [:]
        var sent: [String: Int] = [:]
        for entry in patches {
            let id = entry["correlation_id"] as? String ?? ""
            sent[id, default: 0] += 1
            if entry["changed"] as? Bool == true { changed[id, default: 0] += 1 }
        }
        for operation in plan.operations {
            #expect(changed[operation.id] == 1, "\(operation.userID) changed \(changed[operation.id] ?? 0) times")
        }
        #expect(Set(sent.keys) == Set(plan.operations.map(\.id)), "nothing outside the plan was sent")
        // Done operations were never re-sent: each kill can orphan at most the 4 requests in
        // flight (sent, not yet journaled done); only those are sent again.
        #expect(
            patches.count <= plan.operations.count + kills * 4,
            "\(patches.count) PATCHes for \(plan.operations.count) operations")
        let users = try await emulator.users()
        #expect(users.allSatisfy { $0.flag == "true" })
        let status = try await ProcessRun.run(["status", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((report["counts"] as? [String: Int])?["done"] == plan.operations.count)
    }
}
