import Foundation
import MFARollout
import TestSupport
import Testing

/// Whatever stops `plan`, the files it was writing are not left behind under any name.
@Suite("plan leaves no temporary file")
struct TemporaryFileTests {
    /// `plan` reading standard input that never ends, stopped by a signal: the plan file it was
    /// writing must not be left behind, under any name.
    @Test(
        "a plan stopped by SIGKILL, SIGTERM or SIGINT leaves no temporary file",
        arguments: [SIGKILL, SIGTERM, SIGINT])
    func noTemporaryFileOnSignal(signal: Int32) async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = [
            "plan", "--users", "-", "--policy", HostileInputTests.hostile("policy.yaml"),
            "--out", dir.appendingPathComponent("plan.json").path,
        ]
        let input = Pipe()
        let errors = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        try input.fileHandleForWriting.write(
            contentsOf: Data("user_id,email,app_metadata.use_mfa\nauth0|1,a@corp.com,\n".utf8))
        // The plan file is open once the first row has been read; give the run time to get there.
        try await Task.sleep(for: .milliseconds(700))
        kill(process.processIdentifier, signal)
        // A run that does not stop on the signal fails the test; it is not waited for forever.
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let stopped = !process.isRunning
        if !stopped { kill(process.processIdentifier, SIGKILL) }
        await Task.detached { process.waitUntilExit() }.value
        try? input.fileHandleForWriting.close()
        #expect(stopped, "the plan went on after the signal")
        let left = try HostileInputTests.listing(dir)
        #expect(left == ["stderr"], "left behind: \(left)")
        if signal != SIGKILL {
            #expect(process.terminationStatus == 128 + signal)
            let text = try String(contentsOf: errors, encoding: .utf8)
            #expect(text.hasPrefix("mfa-rollout: SIG"), "the note starts its own line: \(text.debugDescription)")
            #expect(text.contains("received: stopped; no file was left half-written"))
        }
    }
}
