import Foundation
import MFARollout
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Every command, fed the hostile corpus, a plan holding hostile ids, and a tenant whose users
/// carry them: no byte of what it writes on standard output or standard error is a control
/// character other than a line end or a tab, and no bidi or invisible character is written
/// as it is. What came from the data shows escaped (`\u001b`).
@Suite("nothing from the data drives a terminal")
struct TerminalSafetyTests {
    static let esc = "\u{1B}"
    /// Ids and emails that would retitle, clear or recolour a terminal, reorder a line, or
    /// end one early.
    static let hostileIDs = [
        "auth0|\(esc)]0;pwned\u{07}", "auth0|\(esc)[2J\(esc)[31m", "auth0|nul\u{0}x", "auth0|new\nline",
        "auth0|admin\u{202E}moc.live", "auth0|zero\u{200B}width",
    ]

    static func hostile(_ name: String) -> String {
        HostileInputTests.hostile(name)
    }

    /// Whether `text` holds a character the terminal would act on or hide, line ends and
    /// tabs aside.
    static func firstHiddenCharacter(_ bytes: [UInt8]) -> Unicode.Scalar? {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.first {
            $0 != "\n" && $0 != "\t" && VisibleText.needsEscape($0)
        }
    }

    static func check(_ runs: [RawRun]) {
        for run in runs {
            let command = run.arguments.prefix(2).joined(separator: " ")
            if let found = run.controlByte {
                Issue.record(
                    "\(command): byte 0x\(String(found.byte, radix: 16)) on \(found.stream) at \(found.offset): \(run.stdoutText.debugDescription) \(run.stderrText.debugDescription)"
                )
            }
            for (stream, bytes) in [("stdout", run.stdout), ("stderr", run.stderr)] {
                if let scalar = firstHiddenCharacter(bytes) {
                    Issue.record("\(command): U+\(String(scalar.value, radix: 16)) written as it is on \(stream)")
                }
            }
        }
    }

    @Test("plan: errors, summaries and JSON of the hostile corpus")
    func plan() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let users = Self.hostile("users.csv")
        let policy = Self.hostile("policy.yaml")
        // A file whose very name is hostile, and a policy whose column name is.
        let namedPath = dir.appendingPathComponent("users\(Self.esc)[31m\u{202E}.csv").path
        try FileManager.default.copyItem(atPath: users, toPath: namedPath)
        let badPolicy = dir.appendingPathComponent("policy.yaml").path
        try """
        version: 1
        rules:
          - name: r
            when: {column: "em\\e[2Jail\\u202E", exists: true}
        """.write(toFile: badPolicy, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("plan.json").path
        var runs: [RawRun] = []
        for arguments in [
            ["plan", "--users", users, "--policy", policy],
            ["plan", "--users", namedPath, "--policy", policy],
            ["plan", "--users", users, "--policy", badPolicy],
            ["plan", "--users", users, "--policy", policy, "--on-invalid", "skip", "--out", out],
            ["plan", "--users", users, "--policy", policy, "--on-invalid", "skip", "--json"],
            ["plan", "--users", Self.hostile("header-nul.csv"), "--policy", policy],
            ["plan", "--users", Self.hostile("cr-only.csv"), "--policy", policy],
            ["plan", "--users", users, "--policy", Self.hostile("billion-laughs.yaml")],
            ["plan", "--users\(Self.esc)[2J", users, "--policy", policy],
            ["status", "missing\(Self.esc)[2J.json"],
            ["status", out], ["status", out, "--json"],
            ["emit", out, "--format", "ndjson"], ["emit", out, "--format", "har"], ["emit", out, "--format", "curl"],
        ] {
            runs.append(try await RawRun.run(arguments))
        }
        #expect(runs[0].status == 1 && runs[0].stderrText.contains("line 15"))
        #expect(runs[1].stderrText.contains(#"users\u001b[31m\u202e.csv"#))
        #expect(runs[2].stderrText.contains(#"em\u001b[2Jail\u202e"#))
        #expect(runs[3].status == 2)
        #expect(runs[4].stdoutText.contains("\"rejected\" : 6"))
        #expect(runs[9].stderrText.contains(#"no such file: missing\u001b[2J.json"#))
        Self.check(runs)
    }

    @Test("apply, status, undo and emit of a plan holding hostile ids, against a tenant that answers 404")
    func apply() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "2"])
        defer { emulator.stop() }
        let dir = try CLIRunner.temporaryDirectory()
        // A plan made elsewhere (an older version, another tool): its ids are whatever it says.
        let (plan, path) = try Fixture.writePlan(
            for: Self.hostileIDs.map { EmulatedUser(id: $0, flag: "absent") }, tenant: emulator.domain, in: dir)
        let connection = [
            "--domain", emulator.domain, "--allow-http", "--client-id", "emulator-client", "--rate", "200",
            "--burst", "20",
        ]
        let env = ["AUTH0_CLIENT_SECRET": "emulator-secret"]
        var runs: [RawRun] = []
        runs.append(
            try await RawRun.run(["apply", path, "--approve", plan.fingerprint] + connection, environment: env))
        runs.append(
            try await RawRun.run(
                ["apply", path, "--approve", plan.fingerprint, "--json"] + connection, environment: env))
        for arguments in [
            ["status", path], ["status", path, "--json"],
            ["undo", path, "--out", dir.appendingPathComponent("undo.json").path],
            ["emit", path, "--format", "ndjson"], ["emit", path, "--format", "har"],
            ["emit", path, "--format", "curl"],
        ] {
            runs.append(try await RawRun.run(arguments))
        }
        #expect(runs[0].status == 4, "\(runs[0].stderrText)")
        #expect(runs[0].stdoutText.contains(#"auth0|\u001b]0;pwned\u0007"#))
        #expect(runs[0].stdoutText.contains(#"auth0|new\nline"#))
        #expect(runs[2].stdoutText.contains(#"auth0|admin\u202emoc.live"#))
        Self.check(runs)
    }

    @Test("reconcile against a tenant whose users carry hostile ids and emails")
    func reconcile() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "3"])
        defer { emulator.stop() }
        var request = URLRequest(url: URL(string: emulator.baseURL + "/__emulator/users")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(
            withJSONObject: Self.hostileIDs.enumerated().map { index, id in
                ["user_id": id, "email": "u\(index)\(Self.esc)[2J\u{202E}@corp.com"]
            })
        _ = try await URLSession.shared.data(for: request)
        let dir = try CLIRunner.temporaryDirectory()
        let connection = ["--domain", emulator.domain, "--allow-http", "--client-id", "emulator-client"]
        let env = ["AUTH0_CLIENT_SECRET": "emulator-secret"]
        var runs: [RawRun] = []
        for extra in [[], ["--on-invalid", "skip"], ["--on-invalid", "skip", "--json"]] {
            runs.append(
                try await RawRun.run(
                    ["reconcile", "--policy", Self.hostile("policy.yaml"), "--out", dir.path] + connection + extra,
                    environment: env))
        }
        #expect(runs[0].status == 1, "\(runs[0].stderrText)")
        #expect(runs[0].stderrText.contains("user id holds a control character"))
        #expect(runs[1].status == 2, "\(runs[1].stderrText)")
        Self.check(runs)
    }

    @Test("--help and command-line errors")
    func help() async throws {
        var runs: [RawRun] = []
        for command in ["plan", "apply", "status", "undo", "emit", "reconcile", "emulator"] {
            runs.append(try await RawRun.run([command, "--help"]))
            runs.append(try await RawRun.run([command, "--\(Self.esc)[2J\u{202E}"]))
        }
        Self.check(runs)
    }
}
