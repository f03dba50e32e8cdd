/// One input of an export read: a file (plain or gzip-compressed CSV) or standard input.
package enum ExportSource: Sendable, Hashable {
    case file(String)
    case standardInput

    /// The name used in messages and summaries: the path as given, or `<stdin>`.
    package var displayName: String {
        switch self {
        case .file(let path): return path
        case .standardInput: return "<stdin>"
        }
    }
}
