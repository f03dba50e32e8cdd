/// Why a plan file could not be written, read or trusted.
public enum PlanFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    /// Valid JSON that is not an mfa-rollout plan, or a plan that does not decode.
    case malformed(path: String, reason: String)
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// The operations no longer hash to the recorded fingerprint: the file was edited.
    case fingerprintMismatch(path: String, recorded: String, computed: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "\(path): cannot write the plan: \(reason)"
        case .cannotRead(let path, let reason): "\(path): cannot read the plan: \(reason)"
        case .malformed(let path, let reason): "\(path): not a valid mfa-rollout plan: \(reason)"
        case .unsupportedVersion(let path, let found, let supported):
            "\(path): plan format version \(found) is not supported by this build (it reads version \(supported))"
        case .fingerprintMismatch(let path, let recorded, let computed):
            "\(path): the operations do not match the plan's fingerprint (recorded \(recorded), computed \(computed)): the plan was changed after it was made"
        }
    }
}
