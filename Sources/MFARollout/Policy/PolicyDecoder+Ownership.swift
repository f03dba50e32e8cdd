/// The policy keys of flag ownership: `flag.source`, `flag.source_column`, `flag.source_value`
/// and the top-level `disable`.
extension PolicyDecoder {
    /// The keys `flag:` accepts for ownership, besides `location` and `column`.
    static let ownershipFlagKeys = ["source", "source_column", "source_value"]

    func decodeOwnership(
        flagFields: [String: PolicyNode], disable node: PolicyNode?, flag: FlagLocation
    ) throws(PolicyError) -> FlagOwnership {
        var source = FlagOwnership.defaultSource(for: flag)
        if let sourceNode = flagFields["source"] {
            let text = try sourceNode.string()
            guard let parsed = FlagLocation(parsing: text) else {
                throw sourceNode.error(
                    "'\(text)' is not a source location: write app_metadata.KEY or user_metadata.KEY, KEY non-empty without '.' or '$'"
                )
            }
            guard parsed != flag else {
                throw sourceNode.error("the source key must not be the flag itself ('\(flag)')")
            }
            source = parsed
        }
        let column = try flagFields["source_column"]?.string() ?? source.description
        var value = FlagOwnership.defaultValue
        if let valueNode = flagFields["source_value"] { value = try valueNode.string() }
        var scope = DisableScope.ownedOnly
        if let node {
            let text = try node.text()
            guard let parsed = DisableScope(rawValue: text) else {
                var message = "unknown disable '\(text)' (expected one of: owned-only, all)"
                if let suggestion = PolicyNode.closest(to: text, in: DisableScope.allCases.map(\.rawValue)) {
                    message += "; did you mean '\(suggestion)'?"
                }
                throw node.error(message)
            }
            scope = parsed
        }
        return FlagOwnership(
            source: source, column: column, value: value, disable: scope, disableIsExplicit: node != nil)
    }
}
