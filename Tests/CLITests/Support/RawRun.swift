import Foundation

/// The built binary run with its output kept as bytes (`ProcessRun` decodes it as UTF-8), for
/// tests that look at every byte a command writes.
struct RawRun: Sendable {
    var arguments: [String]
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// Runs `mfa-rollout arguments` to completion off the cooperative thread pool, standard
    /// input empty, with `environment` added to this process's.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> RawRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runNow(arguments, environment: environment) })
            }
        }
    }

    private static func runNow(_ arguments: [String], environment: [String: String]) throws -> RawRun {
        let dir = try CLIRunner.temporaryDirectory()
        let outURL = dir.appendingPathComponent("out")
        let errURL = dir.appendingPathComponent("err")
        let process = try CLIRunner.process(arguments, environment: environment, stdout: outURL, stderr: errURL)
        try process.run()
        process.waitUntilExit()
        return RawRun(
            arguments: arguments, status: process.terminationStatus,
            stdout: [UInt8]((try? Data(contentsOf: outURL)) ?? Data()),
            stderr: [UInt8]((try? Data(contentsOf: errURL)) ?? Data()))
    }

    /// The first byte below 0x20 other than a line end or a tab, with where it was; nil when
    /// there is none.
    var controlByte: (stream: String, offset: Int, byte: UInt8)? {
        for (name, bytes) in [("stdout", stdout), ("stderr", stderr)] {
            if let offset = bytes.firstIndex(where: { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 }) {
                return (name, offset, bytes[offset])
            }
        }
        return nil
    }
}
