import Foundation
import MFARollout
import Rollout

/// What `plan` checks before it writes anything: it never writes over one of its own inputs,
/// and never silently replaces a plan that has been applied (its journal would then belong to
/// no plan, and `status` and `undo` of that wave would be gone).
enum OutputGuard {
    /// Refuses when an output names the same file as an input: the same path once resolved,
    /// or the same file through another name (a link), compared by device and inode.
    static func refuseOverwritingInputs(outputs: [String], inputs: [String]) throws(CLIError) {
        let known = inputs.compactMap { path in identity(of: path).map { (path, $0) } }
        for output in outputs {
            guard let target = identity(of: output) else { continue }
            if let (input, _) = known.first(where: { $0.1 == target }) {
                throw .wouldOverwriteInput(output: output, input: input)
            }
        }
    }

    /// Refuses to replace the plan at `path` when it has a journal (it was applied, at least
    /// in part); with `force`, moves the plan and its journal aside to
    /// `PATH.replaced-STAMP` (and `PATH.replaced-STAMP.journal.sqlite`, where `status` and
    /// `undo` of the moved plan find it), never deleting either.
    static func keepAppliedPlan(_ path: String, force: Bool, now: Date = Date()) throws(CLIError) {
        let journal = ApplyJournal.defaultPath(forPlan: path)
        guard FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: journal) else {
            return
        }
        guard force else { throw .planHasJournal(plan: path, journal: journal) }
        // Not while an apply of it runs: that apply holds the journal's lock.
        let lock: RunLock
        do {
            lock = try RunLock.acquire(path: journal + ".lock")
        } catch {
            throw .cannotWrite(path: path, reason: "\(error.description)")
        }
        defer { lock.release() }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        let moved = path + ".replaced-" + formatter.string(from: now).replacingOccurrences(of: ":", with: "")
        let movedJournal = ApplyJournal.defaultPath(forPlan: moved)
        var renames = [(path, moved), (journal, movedJournal)]
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: journal + suffix) {
            renames.append((journal + suffix, movedJournal + suffix))
        }
        for (from, to) in renames {
            guard !FileManager.default.fileExists(atPath: to) else {
                throw .cannotWrite(path: to, reason: "already exists; plan again in a second")
            }
            do {
                try POSIX.renameFile(from, to: to)
            } catch {
                throw .cannotWrite(path: to, reason: "cannot move \(from) aside: \(error.message)")
            }
        }
        Terminal.note("moved the applied plan aside: \(moved) (its journal: \(movedJournal))")
    }

    /// Device and inode of the file at `path` (following links); nil when there is none.
    private static func identity(of path: String) -> [UInt64]? {
        POSIX.status(ofPath: path).map { [$0.device, $0.inode] }
    }
}
