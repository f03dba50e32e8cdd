import Foundation
import MFARollout
import Testing

/// `plan --members` through the command line, with the sample policy and membership file.
@Suite("plan --members")
struct MembersPlanTests {
    @Test("the sample policy plans the admin role and northwind, records the file, counts by group")
    func samplePolicy() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let planPath = dir.appendingPathComponent("plan.json").path
        let result = try await CLIRunner.run([
            "plan", "--users", CLIRunner.sample("users.csv.gz"), "--policy", CLIRunner.sample("members/policy.yaml"),
            "--members", CLIRunner.sample("members/members.csv"), "--out", planPath, "--json",
        ])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let plan = try PlanFile.read(from: planPath)
        #expect(plan.summary.byMembership == ["role admin": 8, "organization northwind": 12])
        #expect(plan.inputs.contains { $0.role == .members && $0.path.hasSuffix("members/members.csv") })
        #expect(plan.operations.allSatisfy { $0.reason == "rule admins" || $0.reason == "rule northwind" })
        // The sample export has no source column: nothing is taken back, and the plan says why.
        #expect(plan.summary.disable == 0 && plan.summary.keptUnowned > 0)
        #expect(plan.summary.warnings.contains { $0.contains("no column 'app_metadata.use_mfa_source'") })
    }

    @Test("an unknown role: exit 1, the policy's file, line and column, the known roles, nothing written")
    func unknownRole() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try "version: 1\nrules:\n  - name: a\n    when: {role: admins}\n".write(
            to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let result = try await CLIRunner.run(
            [
                "plan", "--users", CLIRunner.sample("users.csv.gz"), "--policy", "policy.yaml", "--members",
                CLIRunner.sample("members/members.csv"), "--out", "plan.json",
            ], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("policy.yaml:4:18:"), "\(result.stderr)")
        #expect(result.stderr.contains("(its roles: admin); did you mean 'admin'?"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("plan.json").path))
    }
}
