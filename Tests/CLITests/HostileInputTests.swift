import Foundation
import MFARollout
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The hostile corpus (`Tests/MFARolloutTests/Fixtures/hostile`) through the binary: bombs and
/// files that cannot be read right exit 1, naming the file and the line, and write nothing.
@Suite("hostile input through the binary")
struct HostileInputTests {
    static func hostile(_ name: String) -> String {
        CLIRunner.packageRoot.appendingPathComponent("Tests/MFARolloutTests/Fixtures/hostile")
            .appendingPathComponent(name).path
    }

    /// What a directory holds, dot files included.
    static func listing(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    @Test("a gzip bomb (one 64 MiB field in a few KB) exits 1 naming the line; nothing is written")
    func gzipBomb() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let bomb =
            Array("user_id,email,app_metadata.use_mfa\nauth0|1,a@corp.com,\nauth0|2,\"".utf8)
            + [UInt8](repeating: 0x41, count: 64 << 20) + Array("\",\n".utf8)
        let path = dir.appendingPathComponent("bomb.csv.gz").path
        try Data(try Gzip.compress(bomb)).write(to: URL(fileURLWithPath: path))
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let result = try await CLIRunner.run([
            "plan", "--users", path, "--policy", Self.hostile("policy.yaml"),
            "--out", out.appendingPathComponent("plan.json").path,
            "--html", out.appendingPathComponent("report.html").path,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("bomb.csv.gz: line 3: field 2 is longer than 1 MiB (csv.max_field_bytes)"))
        #expect(try Self.listing(out).isEmpty, "no plan, report or temporary file")
    }

    @Test("header problems and id problems are export errors naming file and line")
    func exportErrors() async throws {
        let policy = Self.hostile("policy.yaml")
        let cases: [(String, String)] = [
            ("duplicate-header.csv", "duplicate-header.csv: line 1: header: columns 2 and 4 are both named 'email'"),
            (
                "header-invalid-utf8.csv",
                "header-invalid-utf8.csv: line 1: header: the name of column 2 is not valid UTF-8"
            ),
            (
                "header-nul.csv",
                #"header-nul.csv: line 1: header: the name of column 2 holds the control character \u0000"#
            ),
            ("users.csv", "users.csv: line 15: user id holds a control character (column 'user_id')"),
        ]
        for (file, message) in cases {
            let result = try await CLIRunner.run(["plan", "--users", Self.hostile(file), "--policy", policy])
            #expect(result.status == 1, "\(file)")
            #expect(result.stderr.contains(message), "\(file): \(result.stderr)")
        }
        let laughs = try await CLIRunner.run([
            "plan", "--users", Self.hostile("users.csv"), "--policy", Self.hostile("billion-laughs.yaml"),
        ])
        #expect(laughs.status == 1)
        #expect(laughs.stderr.contains("billion-laughs.yaml:15:"))
    }

}
