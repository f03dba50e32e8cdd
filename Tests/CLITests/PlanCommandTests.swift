import Foundation
import MFARollout
import Testing

@Suite("mfa-rollout plan")
struct PlanCommandTests {
    let asOf = "2026-11-20T00:00:00Z"

    @Test("the samples plan changes (exit 2) and the plan file holds what the summary says")
    func samplesPlanChanges() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let planPath = dir.appendingPathComponent("plan.json").path
        let result = try await CLIRunner.run([
            "plan", "--users", CLIRunner.sample("users.csv"), "--policy", CLIRunner.sample("policy.yaml"),
            "--as-of", asOf, "--out", planPath,
            "--report", dir.appendingPathComponent("report.md").path,
            "--html", dir.appendingPathComponent("report.html").path,
            "--changes", dir.appendingPathComponent("changes.csv").path,
        ])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let plan = try PlanFile.read(from: planPath)
        #expect(plan.outcome == .changes)
        #expect(plan.applicable)
        #expect(plan.summary.rows == 303)
        #expect(plan.summary.changes == plan.operations.count)
        #expect(plan.summary.disable == 0, "enable-only never plans a disable")
        #expect(plan.operations.allSatisfy { $0.current != $0.desired })
        #expect(!plan.guards.isEmpty && plan.guards.allSatisfy { !$0.tripped })
        // Deny always wins: the denied IT user is never enabled; the allow-listed GitHub users are.
        #expect(!plan.operations.contains { $0.userID == "auth0|a9ea3fe546dae72c16511e6f" })
        #expect(!plan.operations.contains { $0.email == "eve.chen2@acme.com" })
        #expect(plan.operations.contains { $0.userID == "github|85124685" && $0.reason == "allow list" })
        // Ids with a slash and a newline-bearing row survive; the source line is the record's first line.
        let slash = try #require(plan.operations.first { $0.userID == "auth0|edge/slash-0001" })
        #expect(slash.reason == "rule privileged-departments")
        #expect(slash.file.hasSuffix("users.csv") && slash.line == 302)
        #expect(result.stdout.contains(plan.fingerprint))
        #expect(plan.inputs.contains { $0.role == .policy })
        #expect(plan.inputs.contains { $0.role == .list && $0.path.hasSuffix("deny.txt") })
        let export = try #require(plan.inputs.first { $0.role == .export })
        #expect(export.sha256.count == 64)

        let report = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains(plan.fingerprint))
        #expect(report.contains("## Changes by connection"))
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains(plan.fingerprint))
        let changes = try String(contentsOf: dir.appendingPathComponent("changes.csv"), encoding: .utf8)
        #expect(changes.split(separator: "\n").count == plan.operations.count + 1)
    }

    @Test("the gzip export plans exactly what the plain one does")
    func gzipMatchesPlain() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        var fingerprints: [String] = []
        for file in ["users.csv", "users.csv.gz"] {
            let result = try await CLIRunner.run([
                "plan", "--users", CLIRunner.sample(file), "--policy", CLIRunner.sample("policy.yaml"),
                "--as-of", asOf, "--json", "--out", dir.appendingPathComponent("\(file).plan.json").path,
            ])
            #expect(result.status == 2, "stderr: \(result.stderr)")
            let summary = try JSONDecoder().decode(SummaryJSON.self, from: Data(result.stdout.utf8))
            #expect(summary.exitCode == 2)
            fingerprints.append(summary.fingerprint)
        }
        #expect(fingerprints[0] == fingerprints[1])
    }

    @Test("standard input works as an export")
    func standardInput() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLIRunner.sample("users.csv.gz")))
        let result = try await CLIRunner.run(
            ["plan", "--users", "-", "--policy", CLIRunner.sample("policy.yaml"), "--as-of", asOf, "--json"], stdin: data)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("\"outcome\" : \"changes\""))
    }

    @Test("a plain semicolon CSV with a BOM, CRLF and a column map plans in enforce mode")
    func plainCSV() async throws {
        let result = try await CLIRunner.run([
            "plan", "--users", CLIRunner.sample("plain/hr-export.csv"), "--policy", CLIRunner.sample("plain/policy.yaml"), "--json",
        ])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let summary = try JSONDecoder().decode(SummaryJSON.self, from: Data(result.stdout.utf8))
        #expect(summary.summary.disable > 0, "enforce mode turns MFA off for users no longer selected")
        #expect(summary.summary.enable > 0)
    }

    @Test("exact operations for a small export: enable, disable in enforce mode, unchanged")
    func exactOperations() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", """
            "user_id","email","app_metadata.use_mfa","department"
            "'auth0|1","'a@acme.com",,"'it"
            "'auth0|2","'b@acme.com",true,"'sales"
            "'auth0|3","'c@acme.com",true,"'it"
            "'auth0|4","'d@acme.com",false,"'sales"

            """)
        try write(dir, "policy.yaml", """
            version: 1
            mode: enforce
            rules:
              - name: it
                when: { column: department, equals: it }

            """)
        let planPath = dir.appendingPathComponent("plan.json").path
        let result = try await CLIRunner.run(["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", planPath], in: dir)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let plan = try PlanFile.read(from: planPath)
        let ops = plan.operations.map { "\($0.userID) \($0.action.rawValue) \($0.current.rawValue)->\($0.desired.rawValue) \($0.reason)" }
        #expect(ops == ["auth0|1 enable absent->true rule it", "auth0|2 disable true->false no rule matched"])
        #expect(plan.summary.unchanged == 2)
        #expect(plan.operations[0].file == "users.csv" && plan.operations[0].line == 2)
    }

    @Test("nothing to change exits 0")
    func noChanges() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,app_metadata.use_mfa\nauth0|1,true\nauth0|2,\n")
        try write(dir, "policy.yaml", "version: 1\nallow: { ids: [\"auth0|1\"] }\n")
        let result = try await CLIRunner.run(["plan", "--users", "users.csv", "--policy", "policy.yaml"], in: dir)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("No changes"))
    }

    @Test("a tripped guard writes the report, marks the plan not applicable, and exits 3")
    func guardTrips() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,app_metadata.use_mfa\nauth0|1,\nauth0|2,\nauth0|3,\n")
        try write(dir, "policy.yaml", "version: 1\nallow: { ids: [\"auth0|1\", \"auth0|2\"] }\nguards: { max_changes: 1 }\n")
        let result = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json", "--report", "report.md"], in: dir)
        #expect(result.status == 3, "stderr: \(result.stderr)")
        let plan = try PlanFile.read(from: dir.appendingPathComponent("plan.json").path)
        #expect(plan.outcome == .guardTripped)
        #expect(!plan.applicable)
        let report = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("TRIPPED"))
    }

    @Test("a bad row stops the run with exit 1, names file and line, and writes nothing")
    func badRowFails() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,app_metadata.use_mfa\nauth0|1,\nauth0|2,yes\n")
        try write(dir, "policy.yaml", "version: 1\nallow: { ids: [\"auth0|1\"] }\n")
        let result = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json", "--report", "report.md"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("users.csv: line 3"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("yes"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("plan.json").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.md").path))
    }

    @Test("--on-invalid skip sets bad rows aside, lists them, and plans the rest")
    func badRowSkipped() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,app_metadata.use_mfa\nauth0|1,\nauth0|2,yes\nauth0|3,,extra\n")
        try write(dir, "policy.yaml", "version: 1\nallow: { ids: [\"auth0|1\", \"auth0|2\", \"auth0|3\"] }\n")
        let result = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json", "--on-invalid", "skip"], in: dir)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let plan = try PlanFile.read(from: dir.appendingPathComponent("plan.json").path)
        #expect(plan.operations.map(\.userID) == ["auth0|1"])
        #expect(plan.rejected.map(\.line).sorted() == [3, 4])
        #expect(plan.summary.rows == 3)
        #expect(plan.summary.rejected == 2)
    }

    @Test("a policy error names the policy file, line and column, exit 1")
    func badPolicy() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,app_metadata.use_mfa\nauth0|1,\n")
        try write(dir, "policy.yaml", "version: 1\nrules:\n  - name: x\n    when: { column: email, domian: acme.com }\n")
        let result = try await CLIRunner.run(["plan", "--users", "users.csv", "--policy", "policy.yaml"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("policy.yaml:4"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("domian"))
    }

    @Test("a rule reading a column the export lacks is an error naming the rule's place, not a silent no-match")
    func misspeltColumn() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,department,app_metadata.use_mfa\nauth0|1,it,\n")
        try write(dir, "policy.yaml", "version: 1\nrules:\n  - name: x\n    when:\n      not: { column: departmnt, equals: it }\n")
        let result = try await CLIRunner.run(["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("policy.yaml:5"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("did you mean 'department'"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("users.csv"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("plan.json").path))
    }

    @Test("usage errors exit 1, not ArgumentParser's 64")
    func usageError() async throws {
        let result = try await CLIRunner.run(["plan", "--policy", "x.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--users"))
    }

    @Test("a plan without reports (operations not kept in memory) is the plan written with them")
    func planWithoutReportsIsTheSame() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        func plan(_ name: String, _ extra: [String]) async throws -> (Plan, String) {
            let path = dir.appendingPathComponent(name).path
            let result = try await CLIRunner.run([
                "plan", "--users", CLIRunner.sample("users.csv"), "--policy", CLIRunner.sample("policy.yaml"),
                "--as-of", asOf, "--out", path, "--json",
            ] + extra)
            #expect(result.status == 2, "stderr: \(result.stderr)")
            var plan = try PlanFile.read(from: path)
            plan.producer.createdAt = Date(timeIntervalSince1970: 0)
            return (plan, result.stdout)
        }
        let (bare, bareSummary) = try await plan("bare.json", [])
        let (full, fullSummary) = try await plan("full.json", ["--changes", dir.appendingPathComponent("changes.csv").path])
        #expect(bare == full)
        #expect(!bare.operations.isEmpty)
        #expect(bareSummary.replacingOccurrences(of: "bare.json", with: "full.json") == fullSummary)
    }

    @Test("--as-of takes the policy's ISO-8601 forms, and a bad one is a usage error")
    func asOfForms() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,last_login,app_metadata.use_mfa\nauth0|1,2026-11-19T12:00:00Z,\n")
        try write(dir, "policy.yaml", """
            version: 1
            rules:
              - name: recent
                when: { column: last_login, within_days: 1 }

            """)
        let midnight = Date(timeIntervalSince1970: 1_795_132_800)  // 2026-11-20T00:00:00Z
        for form in ["2026-11-20", "2026-11-20T01:00:00+01:00", "2026-11-20 00:00", "2026-11-19T19:00-0500"] {
            let planPath = dir.appendingPathComponent("plan.json").path
            let result = try await CLIRunner.run(
                ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--as-of", form, "--out", planPath], in: dir)
            #expect(result.status == 2, "\(form): \(result.stderr)")
            #expect(try PlanFile.read(from: planPath).producer.asOf == midnight, "\(form)")
        }
        // Two days on, the login is no longer within a day.
        let later = try await CLIRunner.run(["plan", "--users", "users.csv", "--policy", "policy.yaml", "--as-of", "2026-11-22"], in: dir)
        #expect(later.status == 0, "\(later.stderr)")
        for bad in ["2026-02-30", "20261120", "2026-11-20T25:00Z", "yesterday"] {
            let result = try await CLIRunner.run(["plan", "--users", "users.csv", "--policy", "policy.yaml", "--as-of", bad], in: dir)
            #expect(result.status == 1, "\(bad)")
            #expect(result.stderr.contains("--as-of \(bad): not an ISO-8601 date or time"), "\(bad): \(result.stderr)")
        }
    }

    @Test("the HTML report escapes what comes from the export")
    func htmlEscapes() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,email,app_metadata.use_mfa\n\"auth0|<b>1\",\"<script>alert(1)</script>@x.com\",\n")
        try write(dir, "policy.yaml", "version: 1\nallow: { ids: [\"auth0|<b>1\"] }\n")
        let result = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--html", "r.html", "--changes", "c.csv"], in: dir)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let html = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(!html.contains("auth0|<b>1"))
    }

    private func write(_ dir: URL, _ name: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
}
