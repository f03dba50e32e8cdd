import Foundation
import MFARollout

/// What the code of one post-login Action or legacy Rule does with a metadata flag, found by
/// reading its text: which `app_metadata`/`user_metadata` keys it reads, whether it reads the
/// policy's flag and how it compares it, and whether it asks for a second factor.
///
/// Reads are recognised in dot, bracket and optional-chaining forms
/// (`event.user.app_metadata.use_mfa`, `user["app_metadata"]["use_mfa"]`,
/// `event.user.app_metadata?.use_mfa`, `?.["use_mfa"]`), through a variable holding the
/// container (`const meta = event.user.app_metadata || {}; meta.use_mfa`) and by destructuring
/// (`const { use_mfa } = event.user.app_metadata`). Comments are ignored. It is a reading of
/// the text, not of the program: code that builds the key at run time is not followed.
package struct FlagCodeAnalysis: Sendable, Equatable {
    /// Whether the code is an Action (`api.multifactor.enable`, `api.authentication.challengeWith…`)
    /// or a legacy Rule (`context.multifactor = …`).
    package enum Kind: Sendable, Equatable {
        case action
        case rule
    }

    /// How the flag's value is tested where it is read.
    package enum Comparison: Sendable, Equatable, Hashable, CustomStringConvertible {
        /// `=== true` (or `true ===`): only the boolean `true` counts.
        case strictTrue
        /// `== true` / `!= true`: `1` and `"1"` count as true too.
        case looseTrue
        /// A comparison with `false` (`=== false`, `!== false`, `== false`): a value that is not
        /// `false` (`"false"`, `0`, a missing flag) is treated as the other case.
        case againstFalse
        /// A comparison with the string `"true"`: the boolean `true` that mfa-rollout writes fails it.
        case againstString
        /// No comparison (`if (flag)`, `flag &&`, `!flag`): any truthy value counts, the string
        /// `"false"` included.
        case truthiness

        /// Whether only the boolean `true` passes.
        package var isStrict: Bool { self == .strictTrue }

        package var description: String {
            switch self {
            case .strictTrue: return "=== true"
            case .looseTrue: return "a loose == true, which 1 and \"1\" pass too"
            case .againstFalse:
                return "a comparison with false, which treats any other value (\"false\", 0) as not false"
            case .againstString: return "a comparison with the string \"true\", which the boolean true fails"
            case .truthiness: return "a truthiness test, which any non-empty string (\"false\" included) passes"
            }
        }
    }

    /// Every `container.key` the code reads, in order of first appearance, e.g.
    /// `user_metadata.use_mfa`.
    package var reads: [String]
    /// How the policy's flag is compared wherever it is read; empty when it is not read.
    package var flagComparisons: [Comparison]
    /// Whether the code asks for a second factor.
    package var enablesMFA: Bool

    /// Whether the code reads the policy's flag.
    package var readsFlag: Bool { !flagComparisons.isEmpty }
    /// The comparisons of the flag that a non-boolean value would pass or a boolean fail.
    package var looseComparisons: [Comparison] {
        var seen = Set<Comparison>()
        return flagComparisons.filter { !$0.isStrict && seen.insert($0).inserted }
    }

    /// Reads `code` for `flag`.
    package init(code: String, flag: FlagLocation, kind: Kind) {
        let text = Self.stripComments(code)
        var reads: [String] = []
        var comparisons: [Comparison] = []
        func note(container: String, key: String, range: Range<String.Index>) {
            let location = "\(container).\(key)"
            if !reads.contains(location) { reads.append(location) }
            if container == flag.container.rawValue && key == flag.key {
                comparisons.append(Self.comparison(around: range, in: text))
            }
        }
        // container.key, container["key"], container?.key, container?.["key"]
        for match in Self.matches(Self.directRead, in: text) {
            guard let container = match.group(1) ?? match.group(2), let key = match.group(3) ?? match.group(4)
            else { continue }
            note(container: container, key: key, range: match.range)
        }
        // const meta = event.user.app_metadata ...; meta.key
        for alias in Self.matches(Self.aliasAssignment, in: text) {
            guard let name = alias.group(1), let container = alias.group(2) ?? alias.group(3) else { continue }
            let escaped = NSRegularExpression.escapedPattern(for: name)
            let use = try! NSRegularExpression(
                pattern:
                    "(?<![\\w$.])\(escaped)\\s*(?:\\?\\.|\\.)\\s*([A-Za-z_$][\\w$]*)|(?<![\\w$.])\(escaped)\\s*(?:\\?\\.)?\\[\\s*['\"`]([^'\"`]+)['\"`]\\s*\\]"
            )
            for match in Self.matches(use, in: text) where match.range.lowerBound >= alias.range.upperBound {
                guard let key = match.group(1) ?? match.group(2) else { continue }
                note(container: container, key: key, range: match.range)
            }
        }
        // const { use_mfa } = event.user.app_metadata; const { use_mfa: flagged } = ...
        for destructure in Self.matches(Self.destructuring, in: text) {
            guard let list = destructure.group(1), let container = destructure.group(2) ?? destructure.group(3)
            else { continue }
            for entry in list.split(separator: ",") {
                let parts = entry.split(separator: ":", maxSplits: 1).map {
                    $0.split(separator: "=")[0].trimmingCharacters(in: .whitespacesAndNewlines)
                }
                guard let key = parts.first?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")), !key.isEmpty
                else { continue }
                let local = parts.count > 1 ? parts[1] : key
                let escaped = NSRegularExpression.escapedPattern(for: local)
                let use = try! NSRegularExpression(pattern: "(?<![\\w$.])\(escaped)(?![\\w$])")
                let uses = Self.matches(use, in: text).filter { $0.range.lowerBound >= destructure.range.upperBound }
                if uses.isEmpty {
                    if !reads.contains("\(container).\(key)") { reads.append("\(container).\(key)") }
                }
                for match in uses { note(container: container, key: key, range: match.range) }
            }
        }
        self.reads = reads
        self.flagComparisons = comparisons
        switch kind {
        case .action:
            enablesMFA = Self.firstMatch(Self.actionEnable, in: text) != nil
        case .rule:
            enablesMFA = Self.firstMatch(Self.ruleEnable, in: text) != nil
        }
    }

    // MARK: Patterns

    private static let containerDot = "(?:\\?\\.|\\.)\\s*(app_metadata|user_metadata)(?![\\w$])"
    private static let containerBracket = "(?:\\?\\.)?\\[\\s*['\"`](app_metadata|user_metadata)['\"`]\\s*\\]"
    private static let keyPattern =
        "\\s*(?:(?:\\?\\.|\\.)\\s*([A-Za-z_$][\\w$]*)|(?:\\?\\.)?\\[\\s*['\"`]([^'\"`]+)['\"`]\\s*\\])"
    private static let directRead = try! NSRegularExpression(
        pattern: "(?:\(containerDot)|\(containerBracket))\(keyPattern)")
    private static let aliasAssignment = try! NSRegularExpression(
        pattern:
            "(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*\\(?\\s*[A-Za-z_$][\\w$.?\\[\\]'\"]*?(?:\(containerDot)|\(containerBracket))(?!\\s*(?:\\?\\.|\\.|\\[))"
    )
    private static let destructuring = try! NSRegularExpression(
        pattern:
            "(?:const|let|var)\\s*\\{([^}]*)\\}\\s*=\\s*\\(?\\s*[A-Za-z_$][\\w$.?\\[\\]'\"]*?(?:\(containerDot)|\(containerBracket))(?!\\s*(?:\\?\\.|\\.|\\[))"
    )
    private static let actionEnable = try! NSRegularExpression(
        pattern:
            "\\bapi\\s*\\.\\s*(?:multifactor\\s*\\.\\s*enable|authentication\\s*\\.\\s*challengeWith(?:Any)?)\\s*\\(")
    private static let ruleEnable = try! NSRegularExpression(
        pattern: "\\bcontext\\s*\\.\\s*multifactor\\s*=(?!=)")

    private static let after = try! NSRegularExpression(
        pattern: "^\\s*(===|!==|==|!=)\\s*(true|false|'[^']*'|\"[^\"]*\"|`[^`]*`|[0-9]+)")
    private static let before = try! NSRegularExpression(
        pattern: "(true|false|'[^']*'|\"[^\"]*\"|`[^`]*`|[0-9]+)\\s*(===|!==|==|!=)\\s*$")

    /// How the read at `range` is compared: with the operator and operand right after it
    /// (`x === true`) or right before it (`true === x`).
    private static func comparison(around range: Range<String.Index>, in text: String) -> Comparison {
        let following = String(text[range.upperBound...].prefix(40))
        // The read's whole expression starts before the container: `event.user` in
        // `true === event.user.app_metadata.use_mfa`.
        var start = range.lowerBound
        while start > text.startIndex {
            let previous = text.index(before: start)
            let c = text[previous]
            guard c.isLetter || c.isNumber || "_$.?[]'\"`".contains(c) else { break }
            start = previous
        }
        let preceding = String(text[..<start].suffix(40))
        let found: (op: String, operand: String)?
        if let match = firstMatch(after, in: following), let op = match.group(1), let operand = match.group(2) {
            found = (op, operand)
        } else if let match = firstMatch(before, in: preceding), let operand = match.group(1), let op = match.group(2) {
            found = (op, operand)
        } else {
            found = nil
        }
        guard let found else { return .truthiness }
        switch found.operand {
        case "true": return found.op.count == 3 ? .strictTrue : .looseTrue
        case "false": return .againstFalse
        default:
            if found.operand.first.map({ "'\"`".contains($0) }) == true { return .againstString }
            return .looseTrue
        }
    }

    /// `code` with `//` and `/* */` comments blanked out (string and template literals kept).
    static func stripComments(_ code: String) -> String {
        var out = ""
        out.reserveCapacity(code.utf8.count)
        var chars = Array(code)[...]
        var quote: Character?
        while let c = chars.first {
            chars = chars.dropFirst()
            if let q = quote {
                out.append(c)
                if c == "\\", let next = chars.first {
                    out.append(next)
                    chars = chars.dropFirst()
                } else if c == q {
                    quote = nil
                }
                continue
            }
            if c == "/", chars.first == "/" {
                while let n = chars.first, n != "\n" { chars = chars.dropFirst() }
                out.append(" ")
                continue
            }
            if c == "/", chars.first == "*" {
                chars = chars.dropFirst()
                while let n = chars.first {
                    chars = chars.dropFirst()
                    if n == "*", chars.first == "/" {
                        chars = chars.dropFirst()
                        break
                    }
                    if n == "\n" { out.append("\n") }
                }
                out.append(" ")
                continue
            }
            if c == "\"" || c == "'" || c == "`" { quote = c }
            out.append(c)
        }
        return out
    }

    // MARK: Matching

    struct Match {
        var text: String
        var result: NSTextCheckingResult
        var range: Range<String.Index>

        func group(_ index: Int) -> String? {
            guard index < result.numberOfRanges, let range = Range(result.range(at: index), in: text) else {
                return nil
            }
            return String(text[range])
        }
    }

    static func matches(_ regex: NSRegularExpression, in text: String) -> [Match] {
        regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { result in
            Range(result.range, in: text).map { Match(text: text, result: result, range: $0) }
        }
    }

    static func firstMatch(_ regex: NSRegularExpression, in text: String) -> Match? {
        guard let result = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(result.range, in: text)
        else { return nil }
        return Match(text: text, result: result, range: range)
    }
}
