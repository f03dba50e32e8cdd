import CBuildInfo
import MFARollout

/// What `mfa-rollout --version` prints: the tool's version and the commit the binary was built
/// from, e.g. `0.1.0 (commit 3f2a9c1d4e5b)`, or `0.1.0 (unknown commit)` for a build that was
/// not given MFA_ROLLOUT_COMMIT (see Package.swift). Plans record the version alone.
enum VersionText {
    static let text: String = {
        let commit = String(cString: mfa_build_commit())
        return commit == "unknown commit"
            ? "\(MFARolloutInfo.version) (unknown commit)" : "\(MFARolloutInfo.version) (commit \(commit))"
    }()
}
