import Foundation

/// A condition compiled for the hot path: columns resolved to indices into the row's values,
/// regexes, globs, domains and dates prepared at load time.
indirect enum CompiledCondition: Sendable {
    case all([CompiledCondition])
    case any([CompiledCondition])
    case not(CompiledCondition)
    case test(column: Int, CompiledTest)

    /// `now` is seconds since 1970.
    func evaluate(_ values: [String?], now: Double) -> Bool {
        switch self {
        case .all(let cs):
            for c in cs where !c.evaluate(values, now: now) { return false }
            return true
        case .any(let cs):
            for c in cs where c.evaluate(values, now: now) { return true }
            return false
        case .not(let c):
            return !c.evaluate(values, now: now)
        case .test(let column, let test):
            return test.evaluate(values[column], now: now)
        }
    }
}

/// One column test, ready to run.
enum CompiledTest: Sendable {
    enum Comparison: Sendable { case gt, gte, lt, lte, eq }

    case equals(String)
    case oneOf(Set<String>)
    case matches(RegexPattern)
    case glob(GlobPattern)
    case domain(DomainPattern)
    case exists(Bool)
    case empty(Bool)
    case number(Comparison, Double)
    /// Window length in seconds.
    case withinSeconds(Double)
    /// Seconds since 1970.
    case before(Double)
    case after(Double)
    case isBool(Bool)

    /// `value` is nil when the column is not in the file.
    func evaluate(_ value: String?, now: Double) -> Bool {
        switch self {
        case .exists(let wanted):
            let exists = value.map { !$0.isEmpty } ?? false
            return exists == wanted
        case .empty(let wanted):
            guard let value else { return false }
            return value.isEmpty == wanted
        default:
            break
        }
        guard let value else { return false }
        switch self {
        case .equals(let v): return value == v
        case .oneOf(let set): return set.contains(value)
        case .matches(let regex): return regex.matches(value)
        case .glob(let glob): return glob.matches(value)
        case .domain(let domain): return domain.matches(email: value)
        case .number(let op, let operand):
            guard !value.isEmpty, let x = Double(value) else { return false }
            switch op {
            case .gt: return x > operand
            case .gte: return x >= operand
            case .lt: return x < operand
            case .lte: return x <= operand
            case .eq: return x == operand
            }
        case .withinSeconds(let window):
            guard let t = ISO8601Timestamp.secondsSince1970(value) else { return false }
            return t <= now && t >= now - window
        case .before(let limit):
            guard let t = ISO8601Timestamp.secondsSince1970(value) else { return false }
            return t < limit
        case .after(let limit):
            guard let t = ISO8601Timestamp.secondsSince1970(value) else { return false }
            return t > limit
        case .isBool(let wanted):
            guard let b = Self.boolean(value) else { return false }
            return b == wanted
        case .exists, .empty:
            return false  // handled above
        }
    }

    /// `true`/`false` (any case), `1`/`0`; anything else is not a boolean.
    static func boolean(_ value: String) -> Bool? {
        var value = value
        return value.withUTF8 { b -> Bool? in
            switch b.count {
            case 1: return b[0] == 0x31 ? true : b[0] == 0x30 ? false : nil
            case 4: return equalsLowercase(b, "true") ? true : nil
            case 5: return equalsLowercase(b, "false") ? false : nil
            default: return nil
            }
        }
    }

    private static func equalsLowercase(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for k in 0..<b.count where b[k] | 0x20 != w[k] { return false }
        return true
    }
}
