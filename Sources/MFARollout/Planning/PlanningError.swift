/// Why a plan could not be made. Nothing is written when one of these is thrown.
package enum PlanningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The export could not be read (names the file and line).
    case export(ExportError)
    /// The export lacks a column the policy reads (names the rule, its line and column).
    case policy(export: String, PolicyError)
    /// The flag column holds something that is neither true, false, 1, 0 nor empty.
    case unparsableFlag(file: String, line: Int, column: String, value: String)
    /// The plan file could not be written.
    case planFile(PlanFileError)

    package var description: String {
        switch self {
        case .export(let error):
            return error.description
        case .policy(let export, let error):
            return "\(error.description) (export \(VisibleText.escaped(export)))"
        case .unparsableFlag(let file, let line, let column, let value):
            return VisibleText.escaped(
                "\(file): line \(line): column \"\(column)\": unparsable flag value \"\(value)\" (expected true, false, 1, 0 or empty)"
            )
        case .planFile(let error):
            return error.description
        }
    }
}
