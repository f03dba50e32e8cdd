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
        var plans: [Plan] = []
        for file in ["users.csv", "users.csv.gz"] {
            let out = dir.appendingPathComponent("\(file).plan.json").path
            let result = try await CLIRunner.run([
                "plan", "--users", CLIRunner.sample(file), "--policy", CLIRunner.sample("policy.yaml"),
                "--as-of", asOf, "--json", "--out", out,
            ])
            #expect(result.status == 2, "stderr: \(result.stderr)")
            let summary = try JSONDecoder().decode(SummaryJSON.self, from: Data(result.stdout.utf8))
            #expect(summary.exitCode == 2)
            plans.append(try PlanFile.read(from: out))
        }
        // The same operations and counts; the fingerprints differ, as they cover the inputs'
        // names and digests too.
        #expect(
            Array(plans[0].operations).map {
                var o = $0
                o.file = ""
                return o
            }
                == Array(plans[1].operations).map {
                    var o = $0
                    o.file = ""
                    return o
                })
        #expect(plans[0].summary == plans[1].summary)
    }

    @Test("standard input works as an export")
    func standardInput() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: CLIRunner.sample("users.csv.gz")))
        let result = try await CLIRunner.run(
            ["plan", "--users", "-", "--policy", CLIRunner.sample("policy.yaml"), "--as-of", asOf, "--json"],
            stdin: data)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("\"outcome\" : \"changes\""))
    }

    @Test("a plain semicolon CSV with a BOM, CRLF and a column map plans in enforce mode")
    func plainCSV() async throws {
        let result = try await CLIRunner.run([
            "plan", "--users", CLIRunner.sample("plain/hr-export.csv"), "--policy",
            CLIRunner.sample("plain/policy.yaml"), "--json",
        ])
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let summary = try JSONDecoder().decode(SummaryJSON.self, from: Data(result.stdout.utf8))
        #expect(summary.summary.disable > 0, "enforce mode turns MFA off for users no longer selected")
        #expect(summary.summary.enable > 0)
    }

    @Test("exact operations for a small export: enable, disable in enforce mode, unchanged")
    func exactOperations() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(
            dir, "users.csv",
            """
            "user_id","email","app_metadata.use_mfa","department"
            "'auth0|1","'a@acme.com",,"'it"
            "'auth0|2","'b@acme.com",true,"'sales"
            "'auth0|3","'c@acme.com",true,"'it"
            "'auth0|4","'d@acme.com",false,"'sales"

            """)
        try write(
            dir, "policy.yaml",
            """
            version: 1
            mode: enforce
            disable: all
            rules:
              - name: it
                when: { column: department, equals: it }

            """)
        let planPath = dir.appendingPathComponent("plan.json").path
        let result = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", planPath], in: dir)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let plan = try PlanFile.read(from: planPath)
        let ops = plan.operations.map {
            "\($0.userID) \($0.action.rawValue) \($0.current.rawValue)->\($0.desired.rawValue) \($0.reason)"
        }
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
        try write(
            dir, "policy.yaml", "version: 1\nallow: { ids: [\"auth0|1\", \"auth0|2\"] }\nguards: { max_changes: 1 }\n")
        let result = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json", "--report", "report.md"],
            in: dir)
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
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json", "--report", "report.md"],
            in: dir)
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
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json", "--on-invalid", "skip"],
            in: dir)
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
        try write(
            dir, "policy.yaml", "version: 1\nrules:\n  - name: x\n    when: { column: email, domian: acme.com }\n")
        let result = try await CLIRunner.run(["plan", "--users", "users.csv", "--policy", "policy.yaml"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("policy.yaml:4"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("domian"))
    }

    @Test("a rule reading a column the export lacks is an error naming the rule's place, not a silent no-match")
    func misspeltColumn() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,department,app_metadata.use_mfa\nauth0|1,it,\n")
        try write(
            dir, "policy.yaml",
            "version: 1\nrules:\n  - name: x\n    when:\n      not: { column: departmnt, equals: it }\n")
        let result = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json"], in: dir)
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
            let result = try await CLIRunner.run(
                [
                    "plan", "--users", CLIRunner.sample("users.csv"), "--policy", CLIRunner.sample("policy.yaml"),
                    "--as-of", asOf, "--out", path, "--json",
                ] + extra)
            #expect(result.status == 2, "stderr: \(result.stderr)")
            var plan = try PlanFile.read(from: path)
            // The two runs differ in their creation time, and so in their fingerprints.
            let fingerprint = plan.fingerprint
            plan.producer.createdAt = Date(timeIntervalSince1970: 0)
            plan.fingerprint = ""
            return (plan, result.stdout.replacingOccurrences(of: fingerprint, with: "FINGERPRINT"))
        }
        let (bare, bareSummary) = try await plan("bare.json", [])
        let (full, fullSummary) = try await plan(
            "full.json", ["--changes", dir.appendingPathComponent("changes.csv").path])
        #expect(bare == full)
        #expect(!bare.operations.isEmpty)
        #expect(bareSummary.replacingOccurrences(of: "bare.json", with: "full.json") == fullSummary)
    }

    @Test("--as-of takes the policy's ISO-8601 forms, and a bad one is a usage error")
    func asOfForms() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,last_login,app_metadata.use_mfa\nauth0|1,2026-11-19T12:00:00Z,\n")
        try write(
            dir, "policy.yaml",
            """
            version: 1
            rules:
              - name: recent
                when: { column: last_login, within_days: 1 }

            """)
        let midnight = Date(timeIntervalSince1970: 1_795_132_800)  // 2026-11-20T00:00:00Z
        for form in ["2026-11-20", "2026-11-20T01:00:00+01:00", "2026-11-20 00:00", "2026-11-19T19:00-0500"] {
            let planPath = dir.appendingPathComponent("plan.json").path
            let result = try await CLIRunner.run(
                ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--as-of", form, "--out", planPath], in: dir
            )
            #expect(result.status == 2, "\(form): \(result.stderr)")
            #expect(try PlanFile.read(from: planPath).producer.asOf == midnight, "\(form)")
        }
        // Two days on, the login is no longer within a day.
        let later = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--as-of", "2026-11-22"], in: dir)
        #expect(later.status == 0, "\(later.stderr)")
        for bad in ["2026-02-30", "20261120", "2026-11-20T25:00Z", "yesterday"] {
            let result = try await CLIRunner.run(
                ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--as-of", bad], in: dir)
            #expect(result.status == 1, "\(bad)")
            #expect(result.stderr.contains("--as-of \(bad): not an ISO-8601 date or time"), "\(bad): \(result.stderr)")
        }
    }

    @Test("the HTML report escapes what comes from the export")
    func htmlEscapes() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(
            dir, "users.csv",
            "user_id,email,app_metadata.use_mfa\n\"auth0|<b>1\",\"<script>alert(1)</script>@x.com\",\n")
        try write(dir, "policy.yaml", "version: 1\nallow: { ids: [\"auth0|<b>1\"] }\n")
        let result = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--html", "r.html", "--changes", "c.csv"],
            in: dir)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let html = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(!html.contains("auth0|<b>1"))
    }

    @Test("plan never writes over its own inputs: the export, the policy, a list file, also through a link")
    func neverOverwritesInputs() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let export = "user_id,email,app_metadata.use_mfa\nauth0|1,a@corp.com,\n"
        try write(dir, "users.csv", export)
        try write(dir, "allow.txt", "auth0|1\n")
        let policy = "version: 1\nallow: { files: [allow.txt] }\n"
        try write(dir, "policy.yaml", policy)
        try FileManager.default.linkItem(
            atPath: dir.appendingPathComponent("users.csv").path, toPath: dir.appendingPathComponent("hard.csv").path)
        let base = ["plan", "--users", "users.csv", "--policy", "policy.yaml"]
        for (option, target) in [
            ("--out", "users.csv"), ("--report", "policy.yaml"), ("--html", "allow.txt"),
            ("--changes", "./users.csv"), ("--out", "hard.csv"),
        ] {
            let result = try await CLIRunner.run(base + [option, target], in: dir)
            #expect(result.status == 1, "\(option) \(target)")
            #expect(result.stderr.contains("one of this run's inputs"), "\(option) \(target): \(result.stderr)")
        }
        #expect(try String(contentsOf: dir.appendingPathComponent("users.csv"), encoding: .utf8) == export)
        #expect(try String(contentsOf: dir.appendingPathComponent("policy.yaml"), encoding: .utf8) == policy)
        #expect(try String(contentsOf: dir.appendingPathComponent("allow.txt"), encoding: .utf8) == "auth0|1\n")
    }

    @Test("plan refuses to replace a plan that has a journal; --force moves both aside, deleting nothing")
    func keepsAppliedPlans() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,email,app_metadata.use_mfa\nauth0|1,a@corp.com,\n")
        try write(dir, "policy.yaml", "version: 1\nallow: { ids: [auth0|1] }\n")
        let base = ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--out", "plan.json"]
        #expect(try await CLIRunner.run(base, in: dir).status == 2)
        let first = try Data(contentsOf: dir.appendingPathComponent("plan.json"))
        // A plan that was applied has a journal beside it.
        try write(dir, "plan.json.journal.sqlite", "journal")
        let refused = try await CLIRunner.run(base, in: dir)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("has been applied"), "\(refused.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("plan.json")) == first)

        let forced = try await CLIRunner.run(base + ["--force"], in: dir)
        #expect(forced.status == 2, "\(forced.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        let moved = try #require(names.first { $0.hasPrefix("plan.json.replaced-") && !$0.contains("journal") })
        #expect(try Data(contentsOf: dir.appendingPathComponent(moved)) == first)
        #expect(names.contains(moved + ".journal.sqlite"), "the journal moved with its plan: \(names)")
        #expect(!names.contains("plan.json.journal.sqlite"))
        #expect(try PlanFile.read(from: dir.appendingPathComponent("plan.json").path).operations.count == 1)
    }

    @Test("--tenant is canonical in the plan; a policy's tenant: is the default, and the two must agree")
    func tenantOption() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        try write(dir, "users.csv", "user_id,email,app_metadata.use_mfa\nauth0|1,a@corp.com,\n")
        try write(dir, "policy.yaml", "version: 1\nallow: { ids: [auth0|1] }\n")
        try write(dir, "named.yaml", "version: 1\ntenant: acme.eu.auth0.com\nallow: { ids: [auth0|1] }\n")
        let given = try await CLIRunner.run(
            [
                "plan", "--users", "users.csv", "--policy", "policy.yaml", "--tenant", "ACME.eu.auth0.com.", "--out",
                "a.json",
            ], in: dir)
        #expect(given.status == 2, "\(given.stderr)")
        #expect(try PlanFile.read(from: dir.appendingPathComponent("a.json").path).tenant == "acme.eu.auth0.com")
        let fromPolicy = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "named.yaml", "--out", "b.json"], in: dir)
        #expect(fromPolicy.status == 2)
        #expect(try PlanFile.read(from: dir.appendingPathComponent("b.json").path).tenant == "acme.eu.auth0.com")
        let disagree = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "named.yaml", "--tenant", "other.eu.auth0.com"], in: dir)
        #expect(disagree.status == 1)
        #expect(disagree.stderr.contains("is not the policy's tenant"))
        let bad = try await CLIRunner.run(
            ["plan", "--users", "users.csv", "--policy", "policy.yaml", "--tenant", "https://acme.eu.auth0.com/"],
            in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("without a scheme"))
    }

    private func write(_ dir: URL, _ name: String, _ text: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
}
