import Foundation
import MFARollout
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("mfa-rollout apply --enroll")
struct EnrollCommandTests {
    static let env = ["AUTH0_CLIENT_SECRET": "emulator-secret"]

    static func connection(_ emulator: EmulatorProcess) -> [String] {
        [
            "--domain", emulator.domain, "--allow-http", "--client-id", "emulator-client", "--rate", "200", "--burst",
            "20",
        ]
    }

    static func tickets(_ emulator: EmulatorProcess) async throws -> [[String: Any]] {
        try await emulator.get("/__emulator/tickets") as? [[String: Any]] ?? []
    }

    @Test(
        "--no-send-mail: URLs only in PLAN.tickets.csv (mode 600), never in output or journal; a rerun requests none again"
    )
    func noSendMail() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "12"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await emulator.users(), tenant: emulator.domain, in: dir)
        #expect(!plan.operations.isEmpty)
        let enroll = ["--enroll", "--no-send-mail", "--enroll-factor", "otp"]

        let apply = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint] + enroll + Self.connection(emulator), environment: Self.env)
        #expect(apply.status == 0, "stderr: \(apply.stderr)")
        #expect(apply.stdout.contains("enrollment tickets"))
        let ticketFile = path + ".tickets.csv"
        var info = stat()
        #expect(stat(ticketFile, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let lines = try String(contentsOfFile: ticketFile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == plan.operations.count + 1)
        let secrets = lines.dropFirst().map { String($0.split(separator: "=").last ?? "") }
        #expect(secrets.allSatisfy { $0.count >= 16 })

        let issued = try await Self.tickets(emulator)
        #expect(issued.count == plan.operations.count)
        #expect(issued.allSatisfy { $0["send_mail"] as? Bool == false && $0["factor"] as? String == "otp" })

        // Again, as JSON: nothing left to do, no ticket requested twice.
        let again = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint, "--json"] + enroll + Self.connection(emulator),
            environment: Self.env)
        #expect(again.status == 0, "stderr: \(again.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let tickets = try #require(summary["tickets"] as? [String: Any])
        #expect(tickets["created"] as? Int == plan.operations.count && tickets["created_this_run"] as? Int == 0)
        #expect(tickets["send_mail"] as? Bool == false && tickets["ticket_file"] as? String == ticketFile)
        #expect(try await Self.tickets(emulator).count == plan.operations.count)
        #expect(try String(contentsOfFile: ticketFile, encoding: .utf8).split(separator: "\n").count == lines.count)

        let status = try await ProcessRun.run(["status", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((report["tickets"] as? [String: Int])?["done"] == plan.operations.count)
        let statusText = try await ProcessRun.run(["status", path])
        #expect(statusText.stdout.contains("Enrollment tickets: \(plan.operations.count) created"))

        // No URL in any output, nor in the journal (database, WAL) or the plan.
        var everything = [apply, again, status, statusText].map { $0.stdout + $0.stderr }.joined()
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !file.hasSuffix(".tickets.csv")
        {
            everything += String(
                decoding: FileManager.default.contents(atPath: dir.appendingPathComponent(file).path) ?? Data(),
                as: UTF8.self)
        }
        #expect(everything.count > 1000)
        for secret in secrets { #expect(!everything.contains(secret)) }
    }

    @Test("--enroll emails by default (send_mail true) and writes no ticket file")
    func emailedByDefault() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "6"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await emulator.users(), tenant: emulator.domain, in: dir)
        let apply = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint, "--enroll"] + Self.connection(emulator),
            environment: Self.env)
        #expect(apply.status == 0, "stderr: \(apply.stderr)")
        let issued = try await Self.tickets(emulator)
        #expect(issued.count == plan.operations.count)
        #expect(issued.allSatisfy { $0["send_mail"] as? Bool == true })
        #expect(!FileManager.default.fileExists(atPath: path + ".tickets.csv"))
        #expect(apply.stdout.contains("Auth0 email"))
    }

    @Test("the enrollment options need --enroll; --ticket-file needs --no-send-mail")
    func validation() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("plan.json").path
        let noEnroll = try await ProcessRun.run(["apply", path, "--no-send-mail", "--domain", "x.auth0.com"])
        #expect(noEnroll.status == 1 && noEnroll.stderr.contains("only with --enroll"))
        let fileWithMail = try await ProcessRun.run([
            "apply", path, "--enroll", "--ticket-file", "t.csv", "--domain", "x.auth0.com",
        ])
        #expect(fileWithMail.status == 1 && fileWithMail.stderr.contains("--no-send-mail"))
        let badFactor = try await ProcessRun.run([
            "apply", path, "--enroll", "--enroll-factor", "sms", "--domain", "x.auth0.com",
        ])
        #expect(badFactor.status == 1 && badFactor.stderr.contains("sms"))
        let reconcile = try await ProcessRun.run([
            "reconcile", "--policy", "p.yaml", "--out", "o", "--enroll", "--domain", "x.auth0.com",
        ])
        #expect(reconcile.status == 1 && reconcile.stderr.contains("--auto-apply"))
    }
}
