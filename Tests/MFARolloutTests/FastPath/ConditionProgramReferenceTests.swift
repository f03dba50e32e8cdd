import Foundation
import Testing

@testable import MFARollout

#if canImport(Glibc)
    import Glibc
#endif

/// `ConditionProgram` (the byte-level fast path) against a plain evaluator written from the
/// table of column tests in docs/policy.md, over random conditions and random rows.
@Suite("condition program against a reference evaluator")
struct ConditionProgramReferenceTests {
    /// docs/policy.md's semantics, on `String`s: no bytes, no spans, no pool.
    static func reference(_ condition: CompiledCondition, _ values: [String?], now: Double) -> Bool {
        switch condition {
        case .all(let children): return children.allSatisfy { reference($0, values, now: now) }
        case .any(let children): return children.contains { reference($0, values, now: now) }
        case .not(let child): return !reference(child, values, now: now)
        case .test(let column, let test):
            let value = values[column]
            switch test {
            case .exists(let wanted): return (value.map { !$0.isEmpty } ?? false) == wanted
            case .empty(let wanted): return value.map { $0.isEmpty == wanted } ?? false
            default: break
            }
            guard let value else { return false }
            switch test {
            case .equals(let literal): return value == literal
            case .oneOf(let members): return members.contains(value)
            case .matches(let regex): return regex.matches(value)
            case .glob(let pattern):
                // fnmatch(3) sees C strings: the value up to its first NUL.
                return pattern.text.withCString { p in value.withCString { fnmatch(p, $0, 0) == 0 } }
            case .domain(let pattern):
                guard let at = value.utf8.lastIndex(of: UInt8(ascii: "@")) else { return false }
                let domain = value.utf8[value.utf8.index(after: at)...].map {
                    (0x41...0x5A).contains($0) ? $0 | 0x20 : $0
                }
                if domain.isEmpty { return false }
                return pattern.exact.contains(domain)
                    || pattern.suffixes.contains {
                        domain.count > $0.count && domain.suffix($0.count).elementsEqual($0)
                    }
            case .number(let comparison, let operand):
                guard let x = Double(value) else { return false }
                switch comparison {
                case .gt: return x > operand
                case .gte: return x >= operand
                case .lt: return x < operand
                case .lte: return x <= operand
                case .eq: return x == operand
                }
            case .withinSeconds(let window):
                guard let t = ISO8601Timestamp.date(value)?.timeIntervalSince1970 else { return false }
                return t <= now && t >= now - window
            case .before(let moment):
                return ISO8601Timestamp.date(value).map { $0.timeIntervalSince1970 < moment } ?? false
            case .after(let moment):
                return ISO8601Timestamp.date(value).map { $0.timeIntervalSince1970 > moment } ?? false
            case .isBool(let wanted):
                switch value.lowercased() {
                case "true", "1": return wanted
                case "false", "0": return !wanted
                default: return false
                }
            case .exists, .empty: return false
            }
        }
    }

    /// Values chosen to sit on the edges: empty, case, canonical equivalence, numbers that
    /// parse one way and not another, dates in and out of the window, NULs, non-ASCII.
    static let values: [String?] = [
        nil, "", "K", "k", "\u{212A}", "caf\u{E9}", "cafe\u{301}", "a@Corp.COM", "b@eu.corp.com", "c@corp.com.evil",
        "d@", "@corp.com", "x@a.b.corp.com", "5", "05", "5.0", "+5", "1e1", " 5", "-0", "inf", "nan", "0x10", "4.99",
        "true", "TRUE", "1", "0", "False", "yes", "2026-11-19T12:00:00Z", "2026-11-20", "2025-01-01T00:00:00+01:00",
        "2026-02-30", "2027-01-01", "abc", "a*b", "a\u{0}b", "[x]", "google-oauth2|123", "auth0|456", "é@corp.com",
    ]

    static func randomTest(_ rng: inout SystemRandomNumberGenerator, columns: Int) throws -> CompiledCondition {
        let column = Int.random(in: 0..<columns, using: &rng)
        let literals = ["K", "\u{212A}", "caf\u{E9}", "abc", "5", "", "true", "a@Corp.COM", "google-oauth2|123"]
        let test: CompiledTest
        switch Int.random(in: 0..<13, using: &rng) {
        case 0: test = .equals(literals.randomElement(using: &rng)!)
        case 1:
            let count = Int.random(in: 1...(Bool.random(using: &rng) ? 4 : 24), using: &rng)
            var members = Set((0..<count).map { _ in literals.randomElement(using: &rng)! })
            if count > 8 { members.formUnion((0..<count).map { "m\($0)" }) }
            test = .oneOf(members)
        case 2:
            test = .matches(try RegexPattern(["^a", "\\d+", "(?i)corp", "é", "^$", "\\|"].randomElement(using: &rng)!))
        case 3:
            let text = ["*", "a*", "*@*", "a?c", "[a-c]*", "*.com", "*corp*", "google-oauth2|*", "*b", "\\*"]
                .randomElement(using: &rng)!
            test = .glob(try GlobPattern.compile(text).get())
        case 4:
            let patterns = [["corp.com"], ["*.corp.com"], ["corp.com", "*.corp.com"], ["Corp.Com"]].randomElement(
                using: &rng)!
            test = .domain(try DomainPattern.compile(patterns).get())
        case 5: test = .exists(Bool.random(using: &rng))
        case 6: test = .empty(Bool.random(using: &rng))
        case 7:
            let comparison = [CompiledTest.Comparison.gt, .gte, .lt, .lte, .eq].randomElement(using: &rng)!
            test = .number(comparison, [5, 0, -1, 4.99, 10].randomElement(using: &rng)!)
        case 8: test = .withinSeconds([0, 86_400, 90 * 86_400].randomElement(using: &rng)!)
        case 9: test = .before(ISO8601Timestamp.date("2026-01-01")!.timeIntervalSince1970)
        case 10: test = .after(ISO8601Timestamp.date("2026-11-19T12:00:00Z")!.timeIntervalSince1970)
        default: test = .isBool(Bool.random(using: &rng))
        }
        return .test(column: column, test)
    }

    static func randomCondition(_ rng: inout SystemRandomNumberGenerator, depth: Int, columns: Int) throws
        -> CompiledCondition
    {
        guard depth > 0, Int.random(in: 0..<3, using: &rng) > 0 else { return try randomTest(&rng, columns: columns) }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return .not(try randomCondition(&rng, depth: depth - 1, columns: columns))
        case 1:
            return .all(
                try (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                    try randomCondition(&rng, depth: depth - 1, columns: columns)
                })
        default:
            return .any(
                try (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                    try randomCondition(&rng, depth: depth - 1, columns: columns)
                })
        }
    }

    @Test("random conditions over edge-case rows: the fast path answers as the reference does")
    func differential() throws {
        var rng = SystemRandomNumberGenerator()
        let now = ISO8601Timestamp.date("2026-11-20T00:00:00Z")!.timeIntervalSince1970
        let columns = 3
        var disagreements: [String] = []
        for _ in 0..<300 {
            let rules = try (0..<4).map { _ in try Self.randomCondition(&rng, depth: 3, columns: columns) }
            let program = ConditionProgram(rules: rules)
            for _ in 0..<40 {
                let row = (0..<columns).map { _ in Self.values.randomElement(using: &rng)! }
                // Each rule alone, and the row's rules in turn sharing one memo as
                // `Policy.decision` asks them (a date read by one rule is reused by the next).
                var memo = ConditionProgram.RowMemo()
                for (index, rule) in rules.enumerated() {
                    let alone = ExportRecord.withValues(row) { program.matches(rule: index, $0, now: now) }
                    let shared = ExportRecord.withValues(row) {
                        program.matches(rule: index, $0, now: now, memo: &memo)
                    }
                    let expected = Self.reference(rule, row, now: now)
                    if alone != expected || shared != expected {
                        disagreements.append("\(rule) on \(row.map { $0.map { "\"\($0)\"" } ?? "missing" })")
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, e.g. \(disagreements.prefix(3))")
    }
}
