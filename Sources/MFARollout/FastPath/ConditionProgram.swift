/// The rules' conditions flattened into one array of plain instructions, tested against a
/// row's bytes.
///
/// This is the per-row hot path of `plan`: a million rows times every test of every rule
/// until one matches. A tree of enums holding strings and sets costs reference counting on
/// every visit; here the tree is laid out in prefix order (each node knows where its
/// subtree ends), literals live in one byte pool, and values are compared as bytes, so a
/// row is decided without touching a reference count or making a `String`.
///
/// Semantics are exactly those of comparing `String`s: ASCII is compared byte for byte, and
/// a value or literal that is not ASCII is compared as a `String` (Unicode canonical
/// equivalence: `"\u{212A}"`, the Kelvin sign, equals `"K"`).
final class ConditionProgram: @unchecked Sendable {
    // Immutable after `init`; the memory is freed in `deinit`. That makes sharing across
    // threads safe, hence `@unchecked Sendable`.
    private let instructions: UnsafeMutableBufferPointer<Instruction>
    private let pool: UnsafeMutableBufferPointer<UInt8>
    private let spans: UnsafeMutableBufferPointer<Span>
    /// The root instruction of each rule's condition.
    private let roots: UnsafeMutableBufferPointer<Int>
    private let regexes: [RegexPattern]
    /// Per literal set (`equals`, `one_of`): every member as a `String`, for values that are
    /// not ASCII, for sets with members that are not ASCII, and for large sets.
    private let literalSets: [Set<String>]

    /// ASCII members of a set are scanned linearly up to this many; larger sets are looked up
    /// in `literalSets`.
    private static let linearScanLimit = 16

    struct Instruction {
        enum Op: UInt8 {
            case all, any, not
            case oneOf, matches, glob, domain, exists, empty
            case gt, gte, lt, lte, eq, within, before, after, isBool
        }

        var op: Op
        /// `exists`, `empty`, `is`: the wanted answer. `oneOf`: the set has a non-ASCII member.
        /// `glob`: the pattern has only `*` and literal characters (see `GlobPattern`).
        var flag = false
        var column: Int32 = 0
        /// Index just past this node's subtree.
        var end: Int32 = 0
        /// `oneOf`: first ASCII member span; `domain`: first span; `glob`: the pattern's span;
        /// `matches`: index into `regexes`.
        var first: Int32 = 0
        /// `oneOf`: number of ASCII member spans, or -1 to always use `literalSets`;
        /// `domain`: number of exact domains (the suffixes follow them).
        var count: Int32 = 0
        /// `oneOf`: index into `literalSets`; `domain`: number of suffixes.
        var extra: Int32 = 0
        /// Comparison operand, or seconds (window length, or a moment since 1970).
        var operand: Double = 0
    }

    struct Span {
        var start: Int
        var count: Int
    }

    /// Compiles one condition per rule.
    init(rules: [CompiledCondition]) {
        var builder = Builder()
        var roots: [Int] = []
        for condition in rules { roots.append(builder.add(condition)) }
        self.instructions = .copy(builder.instructions)
        self.pool = .copy(builder.pool + [0])
        self.spans = .copy(builder.spans)
        self.roots = .copy(roots)
        self.regexes = builder.regexes
        self.literalSets = builder.literalSets
    }

    deinit {
        instructions.deallocate()
        pool.deallocate()
        spans.deallocate()
        roots.deallocate()
    }

    /// What the tests of one row have read so far, kept from rule to rule: a column's date is
    /// parsed once, however many tests read it (`within_days` and `after` on `last_login`).
    /// Start a new one for each row.
    struct RowMemo {
        fileprivate var dateColumn: Int32 = -1
        fileprivate var date: Double?
    }

    /// Whether rule `rule`'s condition holds for `record`; `now` is seconds since 1970.
    @inline(__always)
    func matches(rule: Int, _ record: ExportRecord, now: Double) -> Bool {
        var memo = RowMemo()
        return matches(rule: rule, record, now: now, memo: &memo)
    }

    /// Whether rule `rule`'s condition holds for `record`, with what earlier rules read of the
    /// same record in `memo`.
    @inline(__always)
    func matches(rule: Int, _ record: ExportRecord, now: Double, memo: inout RowMemo) -> Bool {
        evaluate(roots[rule], record, now, &memo)
    }

    private func evaluate(_ index: Int, _ record: ExportRecord, _ now: Double, _ memo: inout RowMemo) -> Bool {
        let instruction = instructions[index]
        switch instruction.op {
        case .all:
            var child = index + 1
            while child < Int(instruction.end) {
                if !evaluate(child, record, now, &memo) { return false }
                child = Int(instructions[child].end)
            }
            return true
        case .any:
            var child = index + 1
            while child < Int(instruction.end) {
                if evaluate(child, record, now, &memo) { return true }
                child = Int(instructions[child].end)
            }
            return false
        case .not:
            return !evaluate(index + 1, record, now, &memo)
        default:
            return test(instruction, record.bytes(Int(instruction.column)), now, &memo)
        }
    }

    /// One column test; `value` is nil when the file has no such column.
    @inline(__always)
    private func test(
        _ instruction: Instruction, _ value: UnsafeBufferPointer<UInt8>?, _ now: Double, _ memo: inout RowMemo
    ) -> Bool {
        switch instruction.op {
        case .exists:
            return (value.map { !$0.isEmpty } ?? false) == instruction.flag
        case .empty:
            guard let value else { return false }
            return value.isEmpty == instruction.flag
        default:
            break
        }
        guard let value else { return false }
        switch instruction.op {
        case .oneOf:
            return oneOf(instruction, value)
        case .matches:
            return regexes[Int(instruction.first)].matches(value)
        case .glob:
            return glob(instruction, value)
        case .domain:
            return domain(instruction, value)
        case .gt, .gte, .lt, .lte, .eq:
            guard let x = Self.number(value) else { return false }
            let operand = instruction.operand
            switch instruction.op {
            case .gt: return x > operand
            case .gte: return x >= operand
            case .lt: return x < operand
            case .lte: return x <= operand
            default: return x == operand
            }
        case .within:
            guard let t = Self.date(value, column: instruction.column, &memo) else { return false }
            return t <= now && t >= now - instruction.operand
        case .before:
            guard let t = Self.date(value, column: instruction.column, &memo) else { return false }
            return t < instruction.operand
        case .after:
            guard let t = Self.date(value, column: instruction.column, &memo) else { return false }
            return t > instruction.operand
        case .isBool:
            guard let b = Self.boolean(value) else { return false }
            return b == instruction.flag
        case .all, .any, .not, .exists, .empty:
            return false  // handled above
        }
    }

    /// `value` (column `column`'s) as a date, parsed once a row.
    @inline(__always)
    private static func date(_ value: UnsafeBufferPointer<UInt8>, column: Int32, _ memo: inout RowMemo) -> Double? {
        if memo.dateColumn == column { return memo.date }
        let date = ISO8601Timestamp.parse(value)
        memo.dateColumn = column
        memo.date = date
        return date
    }

    private func oneOf(_ instruction: Instruction, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        if instruction.count >= 0 && value.isASCII {
            let first = Int(instruction.first)
            for k in first..<first + Int(instruction.count) where self.bytes(spans[k]).equals(value) { return true }
            // An ASCII value can still equal a non-ASCII member (U+212A KELVIN SIGN is "K").
            if !instruction.flag { return false }
        }
        return literalSets[Int(instruction.extra)].contains(String(decoding: value, as: UTF8.self))
    }

    /// `fnmatch(3)` with flags 0 on the value up to its first NUL, as C sees a string.
    private func glob(_ instruction: Instruction, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let span = spans[Int(instruction.first)]
        if instruction.flag {
            let text = UnsafeBufferPointer(start: pool.baseAddress! + span.start, count: span.count - 1)
            return GlobPattern.matchStarsAndLiterals(text, value)
        }
        let pattern = UnsafeRawPointer(pool.baseAddress! + span.start).assumingMemoryBound(to: CChar.self)
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: value.count + 1) { text in
            UnsafeMutableRawPointer(text.baseAddress!).copyMemory(
                from: value.baseAddress ?? UnsafePointer(pool.baseAddress!), byteCount: value.count)
            text[value.count] = 0
            return POSIX.globMatches(pattern, text.baseAddress!)
        }
    }

    /// The domain is what follows the last `@`; exact domains and `.suffix`es are stored
    /// lowercase, and ASCII letters of the value compare case-insensitively.
    private func domain(_ instruction: Instruction, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let at = value.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let domain = UnsafeBufferPointer(rebasing: value[(at + 1)...])
        if domain.isEmpty { return false }
        let first = Int(instruction.first)
        let exact = Int(instruction.count)
        for k in first..<first + exact {
            let lower = bytes(spans[k])
            if lower.count == domain.count && Self.equalIgnoringASCIICase(lower, domain, offset: 0) { return true }
        }
        for k in first + exact..<first + exact + Int(instruction.extra) {
            let lower = bytes(spans[k])
            if domain.count > lower.count
                && Self.equalIgnoringASCIICase(lower, domain, offset: domain.count - lower.count)
            {
                return true
            }
        }
        return false
    }

    @inline(__always)
    private func bytes(_ span: Span) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: pool.baseAddress! + span.start, count: span.count)
    }

    /// Whether `lower` (already lowercase) equals `value[offset...]` ignoring ASCII case.
    private static func equalIgnoringASCIICase(
        _ lower: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>, offset: Int
    ) -> Bool {
        for k in 0..<lower.count {
            var c = value[offset + k]
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != lower[k] { return false }
        }
        return true
    }

    /// The value as `Double(String)` reads it. Plain integers of up to 15 digits (exact in a
    /// `Double`), the usual case, are read without making a `String`.
    static func number(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !b.isEmpty else { return nil }
        let negative = b[0] == UInt8(ascii: "-")
        let start = negative ? 1 : 0
        let digits = b.count - start
        if digits >= 1 && digits <= 15 {
            var v: Int64 = 0
            var index = start
            while index < b.count {
                let d = b[index] &- 0x30
                if d > 9 { break }
                v = v * 10 + Int64(d)
                index += 1
            }
            if index == b.count { return negative ? -Double(v) : Double(v) }
        }
        return Double(String(decoding: b, as: UTF8.self))
    }

    /// `true`/`false` (any case), `1`/`0`; anything else is not a boolean.
    static func boolean(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch b.count {
        case 1: return b[0] == 0x31 ? true : b[0] == 0x30 ? false : nil
        case 4: return equalsLowercase(b, "true") ? true : nil
        case 5: return equalsLowercase(b, "false") ? false : nil
        default: return nil
        }
    }

    private static func equalsLowercase(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for k in 0..<b.count where b[k] | 0x20 != w[k] { return false }
        return true
    }

    /// Lays conditions out in prefix order.
    private struct Builder {
        var instructions: [Instruction] = []
        var pool: [UInt8] = []
        var spans: [Span] = []
        var regexes: [RegexPattern] = []
        var literalSets: [Set<String>] = []

        /// Appends `condition`'s subtree; returns its root index.
        mutating func add(_ condition: CompiledCondition) -> Int {
            let index = instructions.count
            switch condition {
            case .all(let children), .any(let children):
                instructions.append(Instruction(op: { if case .all = condition { .all } else { .any } }()))
                for child in children { _ = add(child) }
            case .not(let child):
                instructions.append(Instruction(op: .not))
                _ = add(child)
            case .test(let column, let test):
                instructions.append(compile(test, column: Int32(column)))
            }
            instructions[index].end = Int32(instructions.count)
            return index
        }

        private mutating func span(_ bytes: some Collection<UInt8>) -> Int32 {
            spans.append(Span(start: pool.count, count: bytes.count))
            pool.append(contentsOf: bytes)
            return Int32(spans.count - 1)
        }

        private mutating func compile(_ test: CompiledTest, column: Int32) -> Instruction {
            var instruction = Instruction(op: .exists, column: column)
            switch test {
            case .equals(let literal):
                setMembers([literal], into: &instruction)
            case .oneOf(let members):
                setMembers(members.sorted(), into: &instruction)
            case .matches(let regex):
                instruction.op = .matches
                instruction.first = Int32(regexes.count)
                regexes.append(regex)
            case .glob(let glob):
                instruction.op = .glob
                // NUL-terminated: `fnmatch` reads the pattern straight from the pool.
                instruction.first = span(glob.cString.map { UInt8(bitPattern: $0) })
                instruction.flag = glob.isStarsAndLiterals
            case .domain(let domain):
                instruction.op = .domain
                instruction.first = Int32(spans.count)
                for e in domain.exact { _ = span(e) }
                for s in domain.suffixes { _ = span(s) }
                instruction.count = Int32(domain.exact.count)
                instruction.extra = Int32(domain.suffixes.count)
            case .exists(let wanted):
                instruction.op = .exists
                instruction.flag = wanted
            case .empty(let wanted):
                instruction.op = .empty
                instruction.flag = wanted
            case .isBool(let wanted):
                instruction.op = .isBool
                instruction.flag = wanted
            case .number(let comparison, let operand):
                switch comparison {
                case .gt: instruction.op = .gt
                case .gte: instruction.op = .gte
                case .lt: instruction.op = .lt
                case .lte: instruction.op = .lte
                case .eq: instruction.op = .eq
                }
                instruction.operand = operand
            case .withinSeconds(let window):
                instruction.op = .within
                instruction.operand = window
            case .before(let limit):
                instruction.op = .before
                instruction.operand = limit
            case .after(let limit):
                instruction.op = .after
                instruction.operand = limit
            }
            return instruction
        }

        private mutating func setMembers(_ members: [String], into instruction: inout Instruction) {
            instruction.op = .oneOf
            instruction.extra = Int32(literalSets.count)
            literalSets.append(Set(members))
            let ascii = members.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
            instruction.flag = ascii.count != members.count
            if ascii.count > ConditionProgram.linearScanLimit {
                instruction.count = -1
                return
            }
            instruction.first = Int32(spans.count)
            for member in ascii { _ = span(member.utf8) }
            instruction.count = Int32(ascii.count)
        }
    }
}

extension UnsafeMutableBufferPointer {
    /// A new allocation holding `elements` (at least one element's room, so the base address exists).
    fileprivate static func copy(_ elements: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(elements.count, 1))
        _ = buffer.initialize(from: elements)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<elements.count])
    }
}
