import MFARollout

/// One scope a run needs: any of `anyOf` does, for `reason`.
package struct ScopeRequirement: Sendable, Equatable {
    package var anyOf: [String]
    package var reason: String

    package init(anyOf: [String], reason: String) {
        self.anyOf = anyOf
        self.reason = reason
    }

    /// Whether `granted` satisfies the requirement.
    package func isMet(by granted: Set<String>) -> Bool { anyOf.contains(where: granted.contains) }

    /// The read scopes `check` itself needs.
    package static let checkReads: [ScopeRequirement] = [
        ScopeRequirement(anyOf: ["read:guardian_factors"], reason: "check: MFA factors"),
        ScopeRequirement(anyOf: ["read:mfa_policies"], reason: "check: MFA policy"),
        ScopeRequirement(anyOf: ["read:actions"], reason: "check: post-login Actions"),
        ScopeRequirement(anyOf: ["read:rules"], reason: "check: Rules"),
    ]

    /// What a run writing `flag` needs: the write scope, `read:users` for `reconcile`,
    /// `create:guardian_enrollment_tickets` for `--enroll`, and the read scopes of the check.
    package static func forRun(flag: FlagLocation, reconcile: Bool, enroll: Bool) -> [ScopeRequirement] {
        var needed: [ScopeRequirement] = []
        switch flag.container {
        case .appMetadata:
            needed.append(
                ScopeRequirement(anyOf: ["update:users_app_metadata", "update:users"], reason: "apply: set \(flag)"))
        case .userMetadata:
            needed.append(ScopeRequirement(anyOf: ["update:users"], reason: "apply: set \(flag)"))
        }
        if reconcile { needed.append(ScopeRequirement(anyOf: ["read:users"], reason: "reconcile: export users")) }
        if enroll {
            needed.append(
                ScopeRequirement(anyOf: ["create:guardian_enrollment_tickets"], reason: "--enroll: enrollment tickets"))
        }
        return needed + checkReads
    }
}
