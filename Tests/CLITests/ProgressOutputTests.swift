import Foundation
import MFARollout
import TestSupport
import Testing

/// `apply`'s progress: plain lines in a log, a bar that fits a narrow terminal, and the note a
/// `Ctrl-C` prints on a line of its own.
@Suite("apply's progress on a terminal and in a log")
struct ProgressOutputTests {
    /// A plan of `count` operations for a generated tenant, and the options that send them at
    /// `rate` a second.
    static func slowApply(count: Int, rate: Int) async throws -> (EmulatorProcess, [String]) {
        let emulator = try await EmulatorProcess.start(["--generate", "\(count)"])
        let dir = try CLIRunner.temporaryDirectory()
        let (plan, path) = try Fixture.writePlan(
            for: try await emulator.users().map { EmulatedUser(id: $0.id, flag: "false") }, tenant: emulator.domain,
            in: dir)
        let arguments = [
            "apply", path, "--approve", plan.fingerprint, "--domain", emulator.domain, "--allow-http", "--client-id",
            "emulator-client", "--rate", "\(rate)", "--burst", "1", "--concurrency", "1",
        ]
        return (emulator, arguments)
    }

    @Test("without a terminal, progress is plain text: no bar, no glyphs")
    func plainProgress() async throws {
        let (emulator, arguments) = try await Self.slowApply(count: 14, rate: 2)
        defer { emulator.stop() }
        let run = try await RawRun.run(arguments, environment: ["AUTH0_CLIENT_SECRET": "emulator-secret"])
        #expect(run.status == 0, "\(run.stderrText)")
        let progress = run.stderrText.split(separator: "\n").filter { $0.hasPrefix("apply: ") }
        #expect(!progress.isEmpty, "a line every 5 seconds: \(run.stderrText)")
        for line in progress {
            #expect(line.unicodeScalars.allSatisfy { $0.isASCII }, "\(line)")
            #expect(line.contains(" op/s, ") && line.contains(" failed"))
        }
    }

    /// Runs the apply in a pseudo-terminal 40 columns wide (util-linux `script`), types `Ctrl-C`
    /// into it once some operations are done, and reads what the terminal was sent.
    @Test(
        "on a 40-column terminal the bar fits the width, and the SIGINT note starts its own line",
        .enabled(if: ExternalTool.available("script", "stty"), "needs script and stty (util-linux, coreutils)"))
    func terminalProgress() async throws {
        let (emulator, arguments) = try await Self.slowApply(count: 30, rate: 4)
        defer { emulator.stop() }
        let command =
            "stty cols 40 rows 24; AUTH0_CLIENT_SECRET=emulator-secret MFA_ROLLOUT_STATE_DIR="
            + ShellWord.quote(CLIRunner.stateDirectory.path) + " exec "
            + ([CLIRunner.binary.path] + arguments).map(ShellWord.quote).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ExternalTool.path("script")))
        process.arguments = ["-qfec", command, "/dev/null"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        try await Task.sleep(for: .seconds(3))
        try input.fileHandleForWriting.write(contentsOf: Data([0x03]))  // Ctrl-C, as typed
        let data = await reader.value
        await Task.detached { process.waitUntilExit() }.value
        try? input.fileHandleForWriting.close()
        let text = String(decoding: data, as: UTF8.self)
        let clear = "\r\u{1B}[2K"
        // Every redraw of the progress line fits the 40 columns (the terminal's own `^C` echo aside).
        let redraws = text.components(separatedBy: clear).dropFirst()
            .map { String($0.prefix { $0 != "\r" && $0 != "\n" }).replacingOccurrences(of: "^C", with: "") }
            .filter { $0.contains("/30") }
        #expect(redraws.contains { $0.contains("█") || $0.contains("░") }, "a bar is drawn: \(text.debugDescription)")
        for redraw in redraws {
            #expect(redraw.count <= 39, "\(redraw.debugDescription) is wider than the terminal")
        }
        // The note clears the line first: it is not glued to the bar or the echoed ^C.
        let note = try #require(text.range(of: "mfa-rollout: SIGINT received"), "\(text.debugDescription)")
        #expect(text[..<note.lowerBound].hasSuffix(clear), "\(text[..<note.lowerBound].suffix(80).debugDescription)")
    }
}

/// Quoting for the `sh -c` line `script` runs.
enum ShellWord {
    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
