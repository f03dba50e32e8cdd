import Crypto
import Foundation
import MFARollout

/// The host-wide lock that keeps two runs of one plan against one tenant from overlapping,
/// whatever journal each uses: a copy of the plan file, or `apply` beside
/// `reconcile --auto-apply`, would otherwise send every request (and every enrollment email)
/// twice.
///
/// One file a tenant and fingerprint in the state directory, taken with `flock` (see
/// ``RunLock``): the kernel releases it when the process exits, however it dies. Beside it, the
/// journal the plan is applied with is recorded, so that a copy of the plan file (with a
/// journal of its own) does not apply the plan a second time after the first run ended. Two
/// hosts share neither; the README says what that leaves.
package enum PlanRunLock {
    /// `$MFA_ROLLOUT_STATE_DIR`, else `$XDG_STATE_HOME/mfa-rollout`, else
    /// `~/.local/state/mfa-rollout`.
    package static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String
    {
        if let explicit = environment["MFA_ROLLOUT_STATE_DIR"], !explicit.isEmpty { return explicit }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/mfa-rollout" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/mfa-rollout"
    }

    /// The lock file for `fingerprint` applied to `tenant` (canonical) in `directory`.
    package static func path(tenant: String, fingerprint: String, directory: String) -> String {
        let digest = SHA256.hash(data: Array("\(tenant)\n\(fingerprint)".utf8))
        let name = digest.prefix(16).map { String(format: "%02x", $0) }.joined()
        return directory + "/locks/apply-\(name).lock"
    }

    /// Takes the lock, creating the directory (mode 0700) when needed, or throws at once. With
    /// `journal`, also refuses when the plan was applied to the tenant on this host with
    /// another journal that still exists, and records `journal` as the plan's.
    package static func acquire(
        tenant: String, fingerprint: String, directory: String, journal: String? = nil
    ) throws(PlanRunLockError) -> RunLock {
        let path = path(tenant: tenant, fingerprint: fingerprint, directory: directory)
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreate(directory: folder, reason: "\(error.localizedDescription)")
        }
        let lock: RunLock
        do {
            lock = try RunLock.acquire(path: path)
        } catch {
            switch error {
            case .held(let path, let holder):
                throw .held(tenant: tenant, fingerprint: fingerprint, path: path, by: holder)
            case .cannotOpen(let path, let reason): throw .cannotCreate(directory: path, reason: reason)
            }
        }
        guard let journal else { return lock }
        let record = path.replacingOccurrences(of: ".lock", with: ".journal")
        let absolute = URL(fileURLWithPath: journal).standardizedFileURL.path
        if let recorded = try? String(contentsOfFile: record, encoding: .utf8), recorded != absolute,
            FileManager.default.fileExists(atPath: recorded)
        {
            lock.release()
            throw .appliedWithAnotherJournal(tenant: tenant, fingerprint: fingerprint, journal: recorded)
        }
        do {
            try AtomicFile.write(Array(absolute.utf8), to: record, permissions: 0o600)
        } catch {
            lock.release()
            throw .cannotCreate(directory: record, reason: "\(error)")
        }
        return lock
    }
}

/// Why the host-wide lock of a plan and tenant could not be taken.
package enum PlanRunLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another run of the same plan against the same tenant holds it.
    case held(tenant: String, fingerprint: String, path: String, by: RunLock.Holder)
    /// The plan was applied to the tenant from this host with another journal, which still
    /// exists: a copy of the plan must not apply it again.
    case appliedWithAnotherJournal(tenant: String, fingerprint: String, journal: String)
    case cannotCreate(directory: String, reason: String)

    package var description: String {
        switch self {
        case .held(let tenant, let fingerprint, let path, let holder):
            "another run of plan \(fingerprint) against \(tenant) is in progress (\(holder); lock \(path)): nothing was sent. Wait for it to end; then run again to resume"
        case .appliedWithAnotherJournal(let tenant, let fingerprint, let journal):
            "plan \(fingerprint) was applied to \(tenant) from this host with the journal \(journal): nothing was sent. To resume that run, pass --journal \(journal) (or apply the plan file beside it)"
        case .cannotCreate(let directory, let reason):
            "\(directory): cannot create the lock (set MFA_ROLLOUT_STATE_DIR or --state-dir to a writable directory): \(reason)"
        }
    }
}
