import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A rehearsal of the second half of a rollout: flag a wave with enrollment tickets, let some
/// users enroll, reconcile, and read the progress back from every place that shows it.
@Suite("enrollment progress, rehearsed against the emulator")
struct EnrollmentRehearsalTests {
    static let env = ["AUTH0_CLIENT_SECRET": "emulator-secret", "AUTH0_TOKEN": ""]

    static let policy = """
        version: 1
        flag:
          location: app_metadata.use_mfa
        mode: enable-only
        rules:
          - name: everyone
            rollout: 30
            when: {column: email, exists: true}
        rollout: {salt: rehearsal}

        """

    static func post(_ emulator: EmulatorProcess, _ path: String) async throws -> Int {
        var request = URLRequest(url: URL(string: emulator.baseURL + path)!)
        request.httpMethod = "POST"
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    @Test("Flag a wave with --enroll, confirm some tickets, reconcile: summary, status, report and metrics agree")
    func rehearsal() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "80", "--seed", "3"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        let policy = dir.appendingPathComponent("policy.yaml").path
        try Self.policy.write(toFile: policy, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let connection = ["--domain", emulator.domain, "--allow-http", "--client-id", "emulator-client"]

        // 1. The wave: flags on, a ticket each (URLs to a file, not mailed).
        let first = try await ProcessRun.run(
            ["reconcile", "--policy", policy, "--out", out, "--auto-apply", "--enroll", "--no-send-mail", "--json"]
                + connection, environment: Self.env)
        #expect(first.status == 0, "\(first.stderr)")
        let firstSummary = try #require(
            try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let firstPlan = try #require(firstSummary["plan"] as? [String: Any])
        let firstEnrollment = try #require(firstPlan["enrollment"] as? [String: Any])
        let flagged = try #require((firstEnrollment["total"] as? [String: Any])?["flagged"] as? Int)
        #expect((firstEnrollment["total"] as? [String: Any])?["enrolled"] as? Int == 0)
        let firstByReason = try #require(firstEnrollment["by_reason"] as? [String: [String: Int]])
        let wave = try #require(firstByReason["rule everyone"]?["flagged"])
        let tickets = try await emulator.get("/__emulator/tickets") as? [[String: Any]] ?? []
        // Generated users who already had the flag keep it (enable-only) and get no ticket.
        #expect(tickets.count > 5 && tickets.count <= wave, "a ticket per user the run turned on")

        // 2. Five users enroll with their tickets.
        for ticket in tickets.prefix(5) {
            let id = try #require(ticket["ticket_id"] as? String)
            #expect(try await Self.post(emulator, "/__emulator/tickets/\(id)/confirm") == 200)
        }

        // 3. Reconcile again: in sync, and 5 of the flagged users have enrolled.
        let second = try await ProcessRun.run(
            ["reconcile", "--policy", policy, "--out", out, "--json"] + connection, environment: Self.env)
        #expect(second.status == 0, "\(second.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(summary["outcome"] as? String == "in-sync")
        let plan = try #require(summary["plan"] as? [String: Any])
        let enrollment = try #require(plan["enrollment"] as? [String: Any])
        #expect(enrollment["total"] as? [String: Int] == ["flagged": flagged, "enrolled": 5])
        let byReason = try #require(enrollment["by_reason"] as? [String: [String: Int]])
        #expect(byReason["rule everyone"] == ["flagged": wave, "enrolled": 5], "the tickets went to the wave")
        #expect(byReason.values.reduce(0) { $0 + ($1["flagged"] ?? 0) } == flagged)
        let waves = try #require(enrollment["by_wave"] as? [String: [String: Int]])
        #expect(Set(waves.keys).isSubset(of: ["0-10%", "10-20%", "20-30%"]), "a 30% rollout fills three tenths")
        #expect(waves.values.reduce(0) { $0 + ($1["flagged"] ?? 0) } == wave)
        #expect(waves.values.reduce(0) { $0 + ($1["enrolled"] ?? 0) } == 5)

        let prom = try String(contentsOfFile: out + "/mfa_rollout.prom", encoding: .utf8)
        #expect(prom.contains("\nmfa_rollout_flagged_users \(flagged)\n"))
        #expect(prom.contains("\nmfa_rollout_enrolled_users 5\n"))
        #expect(prom.contains("\nmfa_rollout_enrolled_users_by_reason{reason=\"rule everyone\"} 5\n"))
        #expect(prom.contains("# TYPE mfa_rollout_flagged_users_by_wave gauge\n"))

        let planPath = try #require(plan["path"] as? String)
        let status = try await ProcessRun.run(["status", planPath])
        #expect(status.status == 0)
        #expect(status.stdout.contains("enrolled: 5 of \(flagged)"), "\(status.stdout)")
        let reports = summary["reports"] as? [String] ?? []
        let markdown = try String(contentsOfFile: try #require(reports.first { $0.hasSuffix(".md") }), encoding: .utf8)
        #expect(markdown.contains("| **total** | \(flagged) | 5 |"))
    }
}
