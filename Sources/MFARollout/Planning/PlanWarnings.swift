/// What a plan tells its reviewers about its inputs, beside the counts: the lines of
/// `PlanSummary.warnings`.
enum PlanWarnings {
    /// The warnings for a plan of `policy` whose rows left `blankColumns` empty throughout.
    static func make(
        policy: Policy, summary: PlanSummary, blankColumns: [String], sourceColumnMissing: Bool
    ) -> [String] {
        var warnings: [String] = []
        for column in blankColumns {
            warnings.append(
                "column '\(column)' is empty in every row, so no condition on it can match a value: Auth0 exports an object or array field as an empty value (only leaves such as '\(column)[0]' or '\(column).KEY' carry values); test a leaf, or check that the export asked for this field"
            )
        }
        let ownership = policy.ownership
        if policy.mode == .enforce, ownership.disable == .ownedOnly {
            if sourceColumnMissing {
                warnings.append(
                    "the export has no column '\(ownership.column)' (the source key \(ownership.source)): no flag counts as set by the rollout, so none is turned off; add \(ownership.source) to the export's fields"
                )
            }
            if summary.keptUnowned > 0, !ownership.disableIsExplicit {
                warnings.append(
                    "\(summary.keptUnowned) flags set outside the rollout are kept: the policy has no 'disable:' key, and enforce turns off only the flags the rollout set (disable: owned-only); write disable: all to turn off every flag of the users it does not select"
                )
            }
        }
        return warnings
    }
}
