import Foundation
import TestSupport

/// Runs the built `mfa-rollout` binary, as a user or a script would.
struct CLIRunner {
    typealias Result = ProcessResult

    /// The package root, for `samples/`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)  // Tests/CLITests/Support/CLIRunner.swift
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

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

    /// Runs the binary, with `environment` added to this process's, waiting off the cooperative
    /// thread pool (tests run in parallel in one process, and a blocked pool would starve the
    /// async tests that time signals and poll the emulator).
    static func run(
        _ arguments: [String], stdin: Data? = nil, in directory: URL? = nil, environment: [String: String] = [:]
    ) async throws -> Result {
        try await runProcessAsync(
            binary.path, arguments,
            environment: ProcessInfo.processInfo.environment
                .merging(["MFA_ROLLOUT_STATE_DIR": stateDirectory.path]) { _, new in new }
                .merging(environment) { _, new in new },
            stdin: stdin, directory: directory?.path)
    }

    /// Where the runs of this test process keep their host-wide locks (`MFA_ROLLOUT_STATE_DIR`).
    static let stateDirectory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mfa-rollout-state-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The binary, not yet started, for `arguments`: standard input empty, output to the files
    /// `outURL` and `errURL` (created empty), `environment` added to this process's, and the
    /// host-wide run locks in `stateDirectory`.
    static func process(
        _ arguments: [String], environment: [String: String], stdout outURL: URL, stderr errURL: URL
    ) throws -> Process {
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .merging(["MFA_ROLLOUT_STATE_DIR": stateDirectory.path]) { $1 }
            .merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mfa-rollout-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
