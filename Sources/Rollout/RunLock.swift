import Foundation
import MFARollout

/// An exclusive, non-blocking `flock` on a file, so two scheduled runs never overlap.
///
/// The kernel releases the lock when the process exits, however it dies; the file itself stays
/// (deleting it would let a third run lock a new file while the second still holds the old).
/// While held, the file records who holds it: `pid`, `started_at` (ISO-8601) and `host`.
package final class RunLock: Sendable {
    /// Who held the lock when it could not be taken.
    package struct Holder: Sendable, Equatable, CustomStringConvertible {
        package var pid: Int32?
        package var startedAt: String?
        package var host: String?

        package var description: String {
            var parts: [String] = []
            if let pid { parts.append("PID \(pid)") }
            if let host { parts.append("on \(host)") }
            if let startedAt { parts.append("started \(startedAt)") }
            return parts.isEmpty ? "another process (no details recorded)" : parts.joined(separator: " ")
        }
    }

    package enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Another run holds the lock.
        case held(path: String, by: Holder)
        case cannotOpen(path: String, reason: String)

        package var description: String {
            switch self {
            case .held(let path, let holder):
                "another mfa-rollout run holds \(path) (\(holder)); this run did nothing. The lock is released when that process exits, however it ends."
            case .cannotOpen(let path, let reason):
                "\(path): cannot open the lock file: \(reason)"
            }
        }
    }

    package let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock at `path` or throws ``Failure/held(path:by:)`` at once.
    package static func acquire(path: String, now: Date = Date()) throws(Failure) -> RunLock {
        let fd: Int32
        do {
            fd = try POSIX.openFile(path, POSIX.createForLocking)
        } catch {
            throw .cannotOpen(path: path, reason: error.message)
        }
        do {
            guard try POSIX.lockExclusively(fd) else {
                let holder = readHolder(fd)
                POSIX.closeFile(fd)
                throw Failure.held(path: path, by: holder)
            }
        } catch let error as Failure {
            throw error
        } catch {
            POSIX.closeFile(fd)
            throw .cannotOpen(path: path, reason: (error as? POSIXError)?.message ?? "\(error)")
        }
        // Record who holds it (best effort: the lock is what counts, not the text).
        let formatter = ISO8601DateFormatter()
        let host = ProcessInfo.processInfo.hostName
        let text = "pid=\(POSIX.processID)\nstarted_at=\(formatter.string(from: now))\nhost=\(host)\n"
        POSIX.truncateFile(fd)
        try? POSIX.writeAll(Array(text.utf8), to: fd, at: 0)
        try? POSIX.sync(fd)
        return RunLock(path: path, descriptor: fd)
    }

    /// Releases the lock (also done by the kernel when the process exits).
    package func release() {
        POSIX.truncateFile(descriptor)
        POSIX.unlock(descriptor)
        POSIX.closeFile(descriptor)
    }

    static func readHolder(_ fd: Int32) -> Holder {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = (try? buffer.withUnsafeMutableBytes { try POSIX.readBytes(fd, into: $0, at: 0) }) ?? 0
        guard count > 0 else { return Holder() }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        var holder = Holder()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "pid": holder.pid = Int32(parts[1])
            case "started_at": holder.startedAt = parts[1]
            case "host": holder.host = parts[1]
            default: break
            }
        }
        return holder
    }
}
