/// Errors the command line itself finds.
enum CLIError: Error, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case invalidOption(String)

    var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        case .invalidOption(let message): message
        }
    }
}
