import MFARollout
import ManagementAPI

/// Reads the tenant and tells whether a flag set by mfa-rollout will lead to MFA: the token's
/// scopes, the enabled factors, the MFA policy, the post-login Actions, the legacy Rules and
/// the flag's container (see ``TenantCheckReport``).
package struct TenantChecker: Sendable {
    package let client: ManagementClient

    package init(client: ManagementClient) {
        self.client = client
    }

    /// The date Rules and Hooks reached end of life.
    static let rulesEndOfLife = "18 November 2024"

    /// Runs the six checks for `flag`, with the scopes `needed` by the run that follows.
    /// Only transport failures and errors other than 403 throw; a 403 makes its check fail
    /// with the scope to grant.
    package func run(flag: FlagLocation, needed: [ScopeRequirement]) async throws -> TenantCheckReport {
        var results: [TenantCheckReport.Result] = []
        var missingReads: [String] = []

        // 1. Scopes.
        let granted = try await client.tokens.grantedScopes()
        results.append(Self.scopesResult(granted: granted, needed: needed))

        // 2. Factors.
        switch try await readable({ () async throws(ManagementAPIError) in try await client.getGuardianFactors() }) {
        case .value(let factors):
            let enabled = factors.filter(\.enabled).map(\.name)
            results.append(
                enabled.isEmpty
                    ? .init(
                        id: "factors", verdict: .fail, message: "no MFA factor is enabled: nobody can enroll",
                        fix:
                            "enable one under Security > Multi-factor Auth (or PUT /api/v2/guardian/factors/otp {\"enabled\":true})"
                    )
                    : .init(
                        id: "factors", verdict: .pass, message: "enabled factors: \(enabled.joined(separator: ", "))"))
        case .forbidden:
            missingReads.append("read:guardian_factors")
            results.append(Self.cannotRead("factors", scope: "read:guardian_factors"))
        }

        // 3. MFA policy.
        var moot = false
        switch try await readable({ () async throws(ManagementAPIError) in try await client.getMFAPolicies() }) {
        case .value(let policies):
            if policies.contains("all-applications") {
                moot = true
                results.append(
                    .init(
                        id: "mfa-policy", verdict: .fail,
                        message:
                            "the MFA policy is \"all-applications\": every user already gets MFA, the flag is moot",
                        fix:
                            "set \"Require Multi-factor Auth\" to Never (PUT /api/v2/guardian/policies []) so the Action decides"
                    ))
            } else if policies.contains("confidence-score") {
                results.append(
                    .init(
                        id: "mfa-policy", verdict: .warn,
                        message:
                            "the MFA policy is Adaptive (\"confidence-score\"): Auth0 also prompts users it judges risky, flagged or not",
                        fix: "set the policy to Never if only the flag should decide"))
            } else {
                results.append(
                    .init(id: "mfa-policy", verdict: .pass, message: "the MFA policy is Never ([]): the flag decides"))
            }
        case .forbidden:
            missingReads.append("read:mfa_policies")
            results.append(Self.cannotRead("mfa-policy", scope: "read:mfa_policies"))
        }

        // 4. Actions bound to post-login, with their deployed code.
        var actions: [(name: String, analysis: FlagCodeAnalysis)]?
        switch try await readable({ () async throws(ManagementAPIError) in
            try await client.getTriggerBindings(trigger: "post-login")
        }) {
        case .value(let bindings):
            var analysed: [(name: String, analysis: FlagCodeAnalysis)] = []
            for binding in bindings {
                var action = binding.action
                if action.deployedCode == nil { action = try await client.getAction(id: action.id) }
                guard let code = action.deployedCode else { continue }
                analysed.append((action.name, FlagCodeAnalysis(code: code, flag: flag, kind: .action)))
            }
            actions = analysed
        case .forbidden:
            missingReads.append("read:actions")
        }

        // 5. Enabled Rules.
        var rules: [(name: String, analysis: FlagCodeAnalysis)]?
        switch try await readable({ () async throws(ManagementAPIError) in try await client.getRules() }) {
        case .value(let all):
            rules = all.filter(\.enabled).sorted { ($0.order ?? 0) < ($1.order ?? 0) }.map {
                ($0.name, FlagCodeAnalysis(code: $0.script, flag: flag, kind: .rule))
            }
        case .forbidden:
            missingReads.append("read:rules")
        }

        let goodActions = (actions ?? []).filter { $0.analysis.readsFlag && $0.analysis.enablesMFA }
        let goodRules = (rules ?? []).filter { $0.analysis.readsFlag && $0.analysis.enablesMFA }
        let flagIsRead = !goodActions.isEmpty || !goodRules.isEmpty
        if let actions {
            results.append(Self.actionsResult(actions, goodRules: goodRules, flag: flag))
        } else {
            results.append(Self.cannotRead("actions", scope: "read:actions"))
        }
        if let rules {
            results.append(Self.rulesResult(rules, flagReadByAction: !goodActions.isEmpty, flag: flag))
        } else {
            results.append(Self.cannotRead("rules", scope: "read:rules"))
        }

        // 6. The flag's container.
        switch flag.container {
        case .appMetadata:
            results.append(
                .init(id: "flag-container", verdict: .pass, message: "\(flag) is in app_metadata: users cannot edit it")
            )
        case .userMetadata:
            results.append(
                .init(
                    id: "flag-container", verdict: .warn,
                    message: "\(flag) is in user_metadata: end users can edit it themselves (and turn MFA off)",
                    fix:
                        "keep the flag in app_metadata (flag.location: app_metadata.\(flag.key), and the Action reading it)"
                ))
        }

        return TenantCheckReport(
            flag: flag.description, results: results, flagIsRead: flagIsRead, policyMakesFlagMoot: moot,
            missingReadScopes: missingReads)
    }

    // MARK: Verdicts

    static func scopesResult(granted: [String]?, needed: [ScopeRequirement]) -> TenantCheckReport.Result {
        guard let granted else {
            return .init(
                id: "scopes", verdict: .warn,
                message:
                    "the token does not say which scopes it carries (an opaque token): a missing one shows up below",
                fix: "use client credentials (--client-id) or a JWT access token so the scopes can be read")
        }
        let set = Set(granted)
        let missing = needed.filter { !$0.isMet(by: set) }
        guard missing.isEmpty else {
            let list = missing.map { "\($0.anyOf.joined(separator: " or ")) (\($0.reason))" }.joined(separator: "; ")
            return .init(
                id: "scopes", verdict: .fail, message: "the token lacks \(list)",
                fix:
                    "grant \(missing.map { $0.anyOf[0] }.joined(separator: ", ")) to the application: Applications > APIs > Auth0 Management API > Machine to Machine Applications"
            )
        }
        return .init(
            id: "scopes", verdict: .pass,
            message:
                "the token carries every scope the run needs (\(needed.map { $0.anyOf.first { set.contains($0) } ?? $0.anyOf[0] }.joined(separator: ", ")))"
        )
    }

    static func cannotRead(_ id: String, scope: String) -> TenantCheckReport.Result {
        .init(
            id: id, verdict: .fail, message: "cannot check: the token lacks \(scope) (the API answered 403)",
            fix: "grant \(scope) to the application")
    }

    static func actionsResult(
        _ actions: [(name: String, analysis: FlagCodeAnalysis)],
        goodRules: [(name: String, analysis: FlagCodeAnalysis)],
        flag: FlagLocation
    ) -> TenantCheckReport.Result {
        let fixAction =
            "deploy an Action that reads it: `mfa-rollout action --policy FILE` prints one, `--deploy` installs and binds it"
        let good = actions.filter { $0.analysis.readsFlag && $0.analysis.enablesMFA }
        let mismatched = actions.filter {
            !$0.analysis.readsFlag && $0.analysis.enablesMFA && !$0.analysis.reads.isEmpty
        }
        if let first = good.first {
            let loose = good.flatMap { action in action.analysis.looseComparisons.map { (action.name, $0) } }
            if let (name, comparison) = loose.first {
                return .init(
                    id: "actions", verdict: .warn,
                    message: "Action '\(name)' reads \(flag) with \(comparison)",
                    fix: "compare with === true, as mfa-rollout writes the boolean true")
            }
            if let other = mismatched.first {
                return .init(
                    id: "actions", verdict: .warn,
                    message:
                        "Action '\(first.name)' reads \(flag) and enables MFA; Action '\(other.name)' also enables MFA but reads \(Self.likelyFlags(other.analysis, flag: flag))",
                    fix: "check that '\(other.name)' is meant to read another flag")
            }
            return .init(
                id: "actions", verdict: .pass,
                message: "Action '\(first.name)' (deployed, bound to post-login) reads \(flag) === true and enables MFA"
            )
        }
        if let other = mismatched.first {
            return .init(
                id: "actions", verdict: .fail,
                message:
                    "Action '\(other.name)' reads \(Self.likelyFlags(other.analysis, flag: flag)), but mfa-rollout sets \(flag): nothing reads the flag",
                fix:
                    "make the Action read event.user.\(flag.container.rawValue).\(flag.key) === true, or set flag.location in the policy to the location the Action reads"
            )
        }
        if let reader = actions.first(where: { $0.analysis.readsFlag }) {
            return .init(
                id: "actions", verdict: .fail,
                message:
                    "Action '\(reader.name)' reads \(flag) but never asks for MFA (api.multifactor.enable or api.authentication.challengeWith…)",
                fix: "call api.multifactor.enable(\"any\") when the flag is true; \(fixAction)")
        }
        if let rule = goodRules.first {
            return .init(
                id: "actions", verdict: .warn,
                message: "no post-login Action reads \(flag); only the legacy Rule '\(rule.name)' does",
                fix: "move to an Action before Rules stop running: \(fixAction)")
        }
        return .init(
            id: "actions", verdict: .fail,
            message:
                actions.isEmpty
                ? "no deployed Action is bound to post-login: nothing reads \(flag)"
                : "none of the \(actions.count) deployed post-login Action(s) reads \(flag) and asks for MFA",
            fix: fixAction)
    }

    static func rulesResult(
        _ rules: [(name: String, analysis: FlagCodeAnalysis)], flagReadByAction: Bool, flag: FlagLocation
    ) -> TenantCheckReport.Result {
        if rules.isEmpty { return .init(id: "rules", verdict: .pass, message: "no enabled Rules") }
        let eol = "Rules reached end of life on \(rulesEndOfLife)"
        if let good = rules.first(where: { $0.analysis.readsFlag && $0.analysis.enablesMFA }) {
            let loose = good.analysis.looseComparisons.first.map { "; it compares with \($0)" } ?? ""
            return .init(
                id: "rules", verdict: .warn,
                message: "Rule '\(good.name)' reads \(flag) and sets context.multifactor\(loose); \(eol)",
                fix: "move it to a post-login Action (`mfa-rollout action --policy FILE --deploy`) and disable the Rule"
            )
        }
        if let other = rules.first(where: { $0.analysis.enablesMFA && !$0.analysis.reads.isEmpty }) {
            return .init(
                id: "rules", verdict: flagReadByAction ? .warn : .fail,
                message:
                    "Rule '\(other.name)' reads \(Self.likelyFlags(other.analysis, flag: flag)), but mfa-rollout sets \(flag); \(eol)",
                fix:
                    flagReadByAction
                    ? "disable the Rule: an Action already reads the flag"
                    : "read user.\(flag.container.rawValue).\(flag.key) === true in a post-login Action (`mfa-rollout action --deploy`) and disable the Rule"
            )
        }
        return .init(
            id: "rules", verdict: .warn,
            message: "\(rules.count) enabled Rule(s), none asks for MFA on \(flag); \(eol)",
            fix: "migrate them to Actions")
    }

    /// The locations a mismatched script reads, those resembling the flag first
    /// (`useMfa` for `use_mfa`), joined for a message.
    static func likelyFlags(_ analysis: FlagCodeAnalysis, flag: FlagLocation) -> String {
        func normalized(_ key: String) -> String { key.lowercased().filter { $0.isLetter || $0.isNumber } }
        let target = normalized(flag.key)
        let similar = analysis.reads.filter { read in
            let key = normalized(String(read.split(separator: ".", maxSplits: 1).last ?? ""))
            return key == target || key.contains("mfa") || key.contains("multifactor")
        }
        return (similar.isEmpty ? analysis.reads : similar).joined(separator: ", ")
    }

    // MARK: Reading

    enum Readable<Value> {
        case value(Value)
        case forbidden
    }

    /// The value of `read`, or `.forbidden` when the API answered 403 (a scope is missing);
    /// any other error is thrown.
    private func readable<Value: Sendable>(
        _ read: () async throws(ManagementAPIError) -> Value
    ) async throws(ManagementAPIError) -> Readable<Value> {
        do {
            return .value(try await read())
        } catch {
            if error.statusCode == 403 { return .forbidden }
            throw error
        }
    }
}
