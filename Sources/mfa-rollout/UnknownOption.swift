import ArgumentParser

/// A misspelt option, named as such. ArgumentParser reports a missing required option before
/// an unknown one, so `plan --users u.csv --polcy p.yaml` would say that `--policy` is missing;
/// when a command line fails to parse, this looks for the option no command knows first.
struct UnknownOption: CustomStringConvertible {
    var option: String
    var command: String
    var suggestion: String?

    var description: String {
        var text = "unknown option '\(option)' for \(command)"
        if let suggestion { text += "; did you mean '\(suggestion)'?" }
        return text + " (see '\(command) --help')"
    }

    /// The first `--name` in `arguments` (the command line without the program) that the
    /// subcommand it is given to does not take; nil when every one is known.
    static func find(in arguments: [String]) -> UnknownOption? {
        let subcommands = MFARolloutCommand.configuration.subcommands
        var command: ParsableCommand.Type = MFARolloutCommand.self
        var rest = arguments[...]
        if let first = rest.first, let sub = subcommands.first(where: { $0._commandName == first }) {
            command = sub
            rest = rest.dropFirst()
        }
        let known = options(of: command)
        for argument in rest {
            if argument == "--" { break }
            guard argument.hasPrefix("--"), argument.count > 2 else { continue }
            let name = String(argument.prefix { $0 != "=" })
            if !known.contains(name) {
                let label = command == MFARolloutCommand.self ? "mfa-rollout" : "mfa-rollout \(command._commandName)"
                return UnknownOption(option: name, command: label, suggestion: closest(to: name, in: known))
            }
        }
        return nil
    }

    /// Every `--name` the command's help shows: all its options, and those its help mentions.
    private static func options(of command: ParsableCommand.Type) -> Set<String> {
        let help = MFARolloutCommand.helpMessage(for: command, includeHidden: true, columns: 10_000)
        var names: Set<String> = ["--help", "--version"]
        var index = help.startIndex
        while let range = help[index...].range(of: "--") {
            let name = help[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            if let first = name.first, first.isLetter { names.insert("--" + name) }
            index = range.upperBound
        }
        return names
    }

    /// The known option nearest `name` by edit distance, when it is near enough to be a typo.
    private static func closest(to name: String, in known: Set<String>) -> String? {
        let candidates = known.map { ($0, distance(name, $0)) }.filter { $0.1 <= max(2, $0.0.count / 4) }
        return candidates.min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }?.0
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
