/// Why a plan could not be made. Nothing is written when one of these is thrown.
public enum PlanningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The export could not be read (names the file and line).
    case export(ExportError)
    /// The flag column holds something that is neither true, false, 1, 0 nor empty.
    case unparsableFlag(file: String, line: Int, column: String, value: String)
    /// The policy names lists of emails but the export has no email column to match them on.
    case emailColumnNeeded(file: String, column: String)

    public var description: String {
        switch self {
        case .export(let error):
            return error.description
        case .unparsableFlag(let file, let line, let column, let value):
            return "\(file): line \(line): column \"\(column)\": unparsable flag value \"\(value)\" (expected true, false, 1, 0 or empty)"
        case .emailColumnNeeded(let file, let column):
            return "\(file): the policy's allow or deny list names emails, but the export has no \"\(column)\" column to match them on"
        }
    }
}
