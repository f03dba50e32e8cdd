/// Why a plan file could not be written, read or trusted.
package enum PlanFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    /// Nothing at the path: a mistyped name, or the wrong directory.
    case noSuchFile(path: String)
    case cannotRead(path: String, reason: String)
    /// Valid JSON that is not an mfa-rollout plan, or a plan that does not decode.
    case malformed(path: String, reason: String)
    /// A plan made by a newer version of mfa-rollout.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// A plan made by an older version of mfa-rollout, whose fingerprint covered less.
    case olderVersion(path: String, found: Int, supported: Int)
    /// The file no longer hashes to the fingerprint it records: it was edited.
    case fingerprintMismatch(path: String, recorded: String, computed: String)
    /// The file does not end with its fingerprint line: it was edited or cut short.
    case noFingerprintLine(path: String)
    /// The file changed while it was being carried out, after it was verified.
    case changedWhileRead(path: String)

    /// One line, the path escaped (see `VisibleText`).
    package var description: String {
        VisibleText.escaped(text)
    }

    private var text: String {
        switch self {
        case .noSuchFile(let path): "no such file: \(path)"
        case .cannotWrite(let path, let reason): "\(path): cannot write the plan: \(reason)"
        case .cannotRead(let path, let reason): "\(path): cannot read the plan: \(reason)"
        case .malformed(let path, let reason): "\(path): not a valid mfa-rollout plan: \(reason)"
        case .unsupportedVersion(let path, let found, let supported):
            "\(path): plan format version \(found) is not supported by this build (it reads version \(supported))"
        case .olderVersion(let path, let found, let supported):
            "\(path): this plan was made by an older version of mfa-rollout (plan format \(found); this build reads \(supported)): plan again"
        case .fingerprintMismatch(let path, let recorded, let computed):
            "\(path): the plan was changed after it was made: its bytes hash to \(computed), not to the fingerprint it records (\(recorded)). Plan again"
        case .noFingerprintLine(let path):
            "\(path): the plan was changed after it was made, or is cut short: it does not end with its fingerprint line. Plan again"
        case .changedWhileRead(let path):
            "\(path): the plan file changed while it was being read, after its fingerprint was checked: nothing more is read from it. Run the command again"
        }
    }
}
