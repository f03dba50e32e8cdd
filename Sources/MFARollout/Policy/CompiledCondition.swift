/// A condition with its columns resolved to slots of `Policy.columnsNeeded` and its regexes,
/// globs, domains and dates validated and prepared at load time. `ConditionProgram` lays it
/// out for evaluation.
indirect enum CompiledCondition: Sendable {
    case all([CompiledCondition])
    case any([CompiledCondition])
    case not(CompiledCondition)
    case test(column: Int, CompiledTest)
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

}
