/// How the rollout marks the flags it sets, so that `enforce` takes back only those.
///
/// Every PATCH that turns the flag on also writes the source key (by default
/// `app_metadata.use_mfa_source`) with the marker value (`"mfa-rollout"`); every PATCH that
/// turns the flag off deletes it. A flag is *owned* when the export shows the marker in the
/// source column. The marker travels with the user, so it survives a lost journal and is read
/// back from any later export.
package struct FlagOwnership: Sendable, Hashable {
    /// Where the marker is written.
    package var source: FlagLocation
    /// The export column that holds the marker's current value.
    package var column: String
    /// The marker itself.
    package var value: String
    /// Which flags `enforce` turns off.
    package var disable: DisableScope
    /// Whether the policy wrote `disable:` (a plan notes the default when it keeps flags).
    package var disableIsExplicit: Bool

    /// The marker written unless the policy names another.
    package static let defaultValue = "mfa-rollout"

    /// The default source next to the flag: `use_mfa` → `use_mfa_source` in the same object.
    package static func defaultSource(for flag: FlagLocation) -> FlagLocation {
        FlagLocation(container: flag.container, key: flag.key + "_source")
    }

    package init(
        source: FlagLocation, column: String, value: String = FlagOwnership.defaultValue,
        disable: DisableScope = .ownedOnly, disableIsExplicit: Bool = false
    ) {
        self.source = source
        self.column = column
        self.value = value
        self.disable = disable
        self.disableIsExplicit = disableIsExplicit
    }
}

/// Which flags `mode: enforce` turns off for users the policy does not select.
package enum DisableScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// Only flags the rollout turned on (the source key holds its marker). The default.
    case ownedOnly = "owned-only"
    /// Every flag that is on, whoever set it.
    case all
}
