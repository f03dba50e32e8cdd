import Foundation
import MFARollout
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends `signal` to a running process after a delay, from a thread of its own.
final class KillTimer: @unchecked Sendable {
    private let lock = NSLock()
    private var sent = false

    init(process: Process, signal: Int32, after delay: Duration) {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        Thread.detachNewThread { [self] in
            Thread.sleep(forTimeInterval: seconds)
            lock.lock()
            defer { lock.unlock() }
            if process.isRunning {
                kill(process.processIdentifier, signal)
                sent = true
            }
        }
    }

    /// Whether the signal was sent (read after the process ended).
    var fired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return sent
    }
}

/// A process run without blocking the test's threads; output goes to files.
struct ProcessRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    var killed: Bool

    static func run(
        _ arguments: [String], environment: [String: String] = [:], killAfter: Duration? = nil,
        signal: Int32 = SIGKILL, when trigger: (@Sendable () async -> Bool)? = nil
    ) async throws -> ProcessRun {
        let dir = try CLIRunner.temporaryDirectory()
        let outURL = dir.appendingPathComponent("out")
        let errURL = dir.appendingPathComponent("err")
        let process = try CLIRunner.process(arguments, environment: environment, stdout: outURL, stderr: errURL)
        let (ended, continuation) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            continuation.yield()
            continuation.finish()
        }
        try process.run()
        var killed = false
        if let trigger {
            let deadline = ContinuousClock.now + .seconds(20)
            while process.isRunning, ContinuousClock.now < deadline, !(await trigger()) {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        if let killAfter {
            if trigger != nil {
                try? await Task.sleep(for: killAfter)
                if process.isRunning {
                    kill(process.processIdentifier, signal)
                    killed = true
                }
            } else {
                // A timed kill runs on a thread of its own: CPU-heavy tests elsewhere in this
                // process can hold the cooperative pool for seconds, and a Task.sleep would
                // wake only after the run had finished.
                let sent = KillTimer(process: process, signal: signal, after: killAfter)
                for await _ in ended {}
                killed = sent.fired
            }
        }
        for await _ in ended {}
        return ProcessRun(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
            killed: killed && (signal != SIGKILL || process.terminationReason == .uncaughtSignal))
    }
}
