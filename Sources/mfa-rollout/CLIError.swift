/// Errors the command line itself finds.
enum CLIError: Error, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case invalidOption(String)
    /// An output would replace one of the run's inputs.
    case wouldOverwriteInput(output: String, input: String)
    /// `plan --out` names a plan that has a journal, without `--force`.
    case planHasJournal(plan: String, journal: String)

    var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        case .invalidOption(let message): message
        case .wouldOverwriteInput(let output, let input):
            "\(output) is one of this run's inputs (\(input)): refusing to write over it; nothing was written"
        case .planHasJournal(let plan, let journal):
            "\(plan) has been applied (its journal is \(journal)): refusing to replace it, which would leave that journal without its plan. Write the new plan elsewhere, or pass --force to move the old plan and its journal aside"
        }
    }
}
