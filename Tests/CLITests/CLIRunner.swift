import Foundation

/// Runs the built `mfa-rollout` binary, as a user or a script would.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root, for `samples/`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `mfa-rollout` sits beside the test bundle in the build products folder.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["MFA_ROLLOUT_BIN"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !directory.path.isEmpty && directory.path != "/" {
            let candidate = directory.appendingPathComponent("mfa-rollout")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            if directory.lastPathComponent.hasSuffix(".xctest") || directory.lastPathComponent == "Contents"
                || directory.lastPathComponent == "MacOS"
            {
                directory = directory.deletingLastPathComponent()
                continue
            }
            break
        }
        return packageRoot.appendingPathComponent(".build/debug/mfa-rollout")
    }()

    static func sample(_ path: String) -> String {
        packageRoot.appendingPathComponent("samples").appendingPathComponent(path).path
    }

    /// Runs the binary on a thread of its own and waits without holding one of Swift's few
    /// cooperative threads: tests run in parallel in one process, and a blocked pool would
    /// starve the async tests that time signals and poll the emulator.
    static func run(
        _ arguments: [String], stdin: Data? = nil, in directory: URL? = nil, environment: [String: String] = [:]
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Swift.Result {
                        try runBlocking(arguments, stdin: stdin, in: directory, environment: environment)
                    })
            }
        }
    }

    private static func runBlocking(
        _ arguments: [String], stdin: Data?, in directory: URL?, environment: [String: String]
    ) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Read both pipes while the process runs so a full pipe never blocks it.
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mfa-rollout-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
