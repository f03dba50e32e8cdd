import MFARollout

/// Why `emit` refused a plan or could not write its files.
package enum EmitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A guard tripped when the plan was made: like `apply`, emit refuses it.
    case planNotApplicable(tripped: [String])
    /// An operation that is not what the planner makes (edited by hand): index in `operations`, why.
    case invalidOperation(index: Int, operationID: String, reason: String)
    /// The plan's flag is not a metadata key Auth0 accepts.
    case invalidFlag(location: String, reason: String)
    /// A bad option value (batch size, rate).
    case invalidOption(String)
    /// The output directory already holds batch files from an earlier emit.
    case outputNotEmpty(directory: String, existing: String)
    case cannotWrite(path: String, reason: String)
    /// The plan's operations could not be read (again) from its file.
    case planUnreadable(PlanFileError)

    package var description: String {
        switch self {
        case .planNotApplicable(let tripped):
            "the plan is not applicable: a guard tripped when it was made (\(tripped.joined(separator: "; "))); emit refuses it as apply would. Review the policy and make a new plan."
        case .invalidOperation(let index, let operationID, let reason):
            "operations[\(index)] (\(operationID)): \(reason); emit only writes operations exactly as `plan` made them"
        case .invalidFlag(let location, let reason):
            "the plan's flag \(location) cannot be written: \(reason)"
        case .invalidOption(let message):
            message
        case .outputNotEmpty(let directory, let existing):
            "\(directory) already holds \(existing) from an earlier emit; use an empty directory, so stale batches cannot be sent by mistake"
        case .cannotWrite(let path, let reason):
            "\(path): cannot write: \(reason)"
        case .planUnreadable(let error):
            error.description
        }
    }
}
