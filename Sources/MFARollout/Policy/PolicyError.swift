/// A problem with a policy file or one of the list files it names.
///
/// Every error says where: the file, the key path inside the policy
/// (`rules[2].when.all[0].domain`), and the line and column (1-based) when known.
package struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the problem is in: the policy file, or a list file it names.
    package var file: String
    /// Where in the policy, e.g. `rules[2].when.all[0].domain`; empty for the document itself.
    package var keyPath: String
    /// 1-based line, when known.
    package var line: Int?
    /// 1-based column (in Unicode scalars), when known.
    package var column: Int?
    /// What is wrong, and when possible how to fix it.
    package var message: String

    package init(file: String, keyPath: String, line: Int?, column: Int?, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    /// `policy.yaml:12:5: rules[2].when: unknown key 'domian' (expected one of: ...)`; one line,
    /// with what came from the files escaped (see `VisibleText`).
    package var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return VisibleText.escaped(
            keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)")
    }
}
