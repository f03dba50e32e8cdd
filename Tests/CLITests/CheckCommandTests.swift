import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("mfa-rollout check, apply's check first, and mfa-rollout action")
struct CheckCommandTests {
    static let env = ["AUTH0_CLIENT_SECRET": "emulator-secret", "AUTH0_TOKEN": ""]

    static func connection(_ emulator: EmulatorProcess) -> [String] {
        ["--domain", emulator.domain, "--allow-http", "--client-id", "emulator-client"]
    }

    static func write(_ text: String, name: String) throws -> String {
        let path = try CLIRunner.temporaryDirectory().appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("The default emulator passes: exit 0, one pass line per check; --json carries the same")
    func defaultTenant() async throws {
        let emulator = try await EmulatorProcess.start([])
        defer { emulator.stop() }
        let run = try await ProcessRun.run(
            ["check", "--policy", CLIRunner.sample("policy.yaml"), "--strict"] + Self.connection(emulator),
            environment: Self.env)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for id in ["scopes", "factors", "mfa-policy", "actions", "rules", "flag-container"] {
            #expect(run.stdout.contains("pass  \(id)"), "\(id): \(run.stdout)")
        }
        let json = try await ProcessRun.run(
            ["check", "--policy", CLIRunner.sample("policy.yaml"), "--json"] + Self.connection(emulator),
            environment: Self.env)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["flag_is_read"] as? Bool == true)
        #expect(report["verdict"] as? String == "pass")
        #expect((report["results"] as? [[String: Any]])?.count == 6)
    }

    @Test(
        "Auth0's guide mismatch: check fails naming both locations, apply refuses and sends nothing, --skip-check goes")
    func guideMismatch() async throws {
        let emulator = try await EmulatorProcess.start([
            "--tenant-config", CLIRunner.sample("guide-mismatch/tenant.yaml"), "--generate", "5",
        ])
        defer { emulator.stop() }
        let check = try await ProcessRun.run(
            ["check", "--policy", CLIRunner.sample("guide-mismatch/policy.yaml")] + Self.connection(emulator),
            environment: Self.env)
        #expect(check.status == 1)
        #expect(check.stdout.contains("FAIL  rules"))
        #expect(check.stdout.contains("user_metadata.use_mfa") && check.stdout.contains("app_metadata.useMfa"))
        #expect(check.stdout.contains("fix:"))

        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await emulator.users(), tenant: emulator.domain, in: dir)
        let refused = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint] + Self.connection(emulator), environment: Self.env)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refusing to send anything"), "\(refused.stderr)")
        #expect(try await emulator.requests().filter { $0["method"] as? String == "PATCH" }.isEmpty)

        let skipped = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint, "--skip-check", "--json"] + Self.connection(emulator),
            environment: Self.env)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(skipped.stdout.utf8)) as? [String: Any])
        #expect(summary["tenant_check"] as? String == "skipped")
    }

    @Test("reconcile --auto-apply checks before the export: refused, nothing sent; --skip-check runs and records it")
    func reconcileChecksFirst() async throws {
        let emulator = try await EmulatorProcess.start([
            "--tenant-config", CLIRunner.sample("guide-mismatch/tenant.yaml"), "--generate", "5",
        ])
        defer { emulator.stop() }
        let policy = try Self.write(
            "version: 1\nrules:\n  - name: all\n    when: {column: email, exists: true}\n", name: "policy.yaml")
        let out = try CLIRunner.temporaryDirectory().appendingPathComponent("out").path
        let args = ["reconcile", "--policy", policy, "--out", out, "--auto-apply"] + Self.connection(emulator)
        let refused = try await ProcessRun.run(args, environment: Self.env)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refusing to send anything"), "\(refused.stderr)")
        let sent = try await emulator.requests().filter {
            ($0["method"] as? String) != "GET" && ($0["path"] as? String) != "/oauth/token"
        }
        #expect(sent.isEmpty, "no export job, no PATCH: \(sent)")

        let skipped = try await ProcessRun.run(args + ["--skip-check", "--json"], environment: Self.env)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(skipped.stdout.utf8)) as? [String: Any])
        #expect(summary["tenant_check"] as? String == "skipped")
        #expect(summary["outcome"] as? String == "applied")
    }

    @Test("Warnings exit 0, or 3 with --strict; a missing read scope fails with the scope to grant")
    func warningsAndScopes() async throws {
        let adaptive = try Self.write(
            """
            factors: {otp: true}
            policies: [confidence-score]
            actions:
              - name: A
                code: "exports.onExecutePostLogin = async (event, api) => { if (event.user.app_metadata?.use_mfa === true) api.multifactor.enable('any'); };"
            """, name: "adaptive.yaml")
        let emulator = try await EmulatorProcess.start(["--tenant-config", adaptive])
        defer { emulator.stop() }
        let args = ["check", "--policy", CLIRunner.sample("policy.yaml")] + Self.connection(emulator)
        let lenient = try await ProcessRun.run(args, environment: Self.env)
        #expect(lenient.status == 0, "\(lenient.stdout)")
        #expect(lenient.stdout.contains("warn  mfa-policy"))
        #expect(try await ProcessRun.run(args + ["--strict"], environment: Self.env).status == 3)

        let limited = try await EmulatorProcess.start([
            "--scopes", "read:users update:users_app_metadata read:guardian_factors read:mfa_policies read:rules",
        ])
        defer { limited.stop() }
        let noActions = try await ProcessRun.run(
            ["check", "--policy", CLIRunner.sample("policy.yaml")] + Self.connection(limited), environment: Self.env)
        #expect(noActions.status == 1)
        #expect(noActions.stdout.contains("grant read:actions"), "\(noActions.stdout)")
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(for: try await limited.users(), tenant: limited.domain, in: dir)
        let apply = try await ProcessRun.run(
            ["apply", path, "--approve", plan.fingerprint] + Self.connection(limited), environment: Self.env)
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("read:actions"), "\(apply.stderr)")
    }

    @Test(
        "The printed Action, run under Node with fake event and api, enables MFA exactly when the flag is true",
        .enabled(if: ExternalTool.available("node"), "needs node"))
    func printedActionUnderNode() async throws {
        for remember in [false, true] {
            let printed = try await ProcessRun.run(
                ["action", "--policy", CLIRunner.sample("policy.yaml")] + (remember ? ["--allow-remember-browser"] : [])
            )
            #expect(printed.status == 0, "\(printed.stderr)")
            let action = try Self.write(printed.stdout, name: "action.js")
            let harness = """
                const action = require(process.argv[2]);
                const cases = [
                  ["true", { app_metadata: { use_mfa: true } }],
                  ["false", { app_metadata: { use_mfa: false } }],
                  ["string true", { app_metadata: { use_mfa: "true" } }],
                  ["one", { app_metadata: { use_mfa: 1 } }],
                  ["null", { app_metadata: { use_mfa: null } }],
                  ["absent", { app_metadata: {} }],
                  ["no app_metadata", {}],
                  ["other container", { app_metadata: {}, user_metadata: { use_mfa: true } }],
                  ["other key", { app_metadata: { useMfa: true } }],
                ];
                (async () => {
                  const out = [];
                  for (const [name, user] of cases) {
                    const calls = [];
                    const api = { multifactor: { enable: (provider, options) => calls.push({ provider, options }) } };
                    await action.onExecutePostLogin({ user }, api);
                    out.push({ name, calls });
                  }
                  console.log(JSON.stringify(out));
                })().catch((e) => { console.error(e); process.exit(2); });
                """
            let script = try Self.write(harness, name: "harness.js")
            let node = try await runProcessAsync(
                ExternalTool.path("node")!, [script, action], environment: ProcessInfo.processInfo.environment,
                stdin: nil, directory: nil)
            #expect(node.status == 0, "\(node.stderr)")
            let results = try #require(
                try JSONSerialization.jsonObject(with: Data(node.stdout.utf8)) as? [[String: Any]])
            #expect(results.count == 9)
            for result in results {
                let calls = result["calls"] as? [[String: Any]] ?? []
                let name = result["name"] as? String ?? ""
                if name == "true" {
                    #expect(calls.count == 1)
                    #expect(calls.first?["provider"] as? String == "any")
                    let options = calls.first?["options"] as? [String: Any]
                    #expect(options?["allowRememberBrowser"] as? Bool == remember)
                } else {
                    #expect(calls.isEmpty, "\(name) must not enable MFA")
                }
            }
        }
    }

    @Test("action --deploy against a tenant without it: check fails before, passes after; other bindings kept")
    func deployThenCheck() async throws {
        let other = try Self.write(
            """
            factors: {otp: true}
            actions:
              - name: Audit
                code: "exports.onExecutePostLogin = async (event, api) => { console.log(event.user.user_id); };"
            """, name: "other.yaml")
        let emulator = try await EmulatorProcess.start(["--tenant-config", other])
        defer { emulator.stop() }
        let check = ["check", "--policy", CLIRunner.sample("policy.yaml")] + Self.connection(emulator)
        #expect(try await ProcessRun.run(check, environment: Self.env).status == 1)
        let deploy = try await ProcessRun.run(
            ["action", "--policy", CLIRunner.sample("policy.yaml"), "--deploy"] + Self.connection(emulator),
            environment: Self.env)
        #expect(deploy.status == 0, "\(deploy.stderr)")
        #expect(deploy.stdout.contains("created and deployed"))
        #expect(deploy.stdout.contains("Audit, mfa-rollout: require MFA when flagged"))
        let after = try await ProcessRun.run(check, environment: Self.env)
        #expect(after.status == 0, "\(after.stdout)")
    }
}
