import MFARollout

/// The outcome of `mfa-rollout check`: one result per check, and what `apply` decides from them.
package struct TenantCheckReport: Sendable, Equatable, Encodable {
    /// pass, warn or fail.
    package enum Verdict: String, Sendable, Equatable, Codable, Comparable {
        case pass
        case warn
        case fail

        private var rank: Int {
            switch self {
            case .pass: 0
            case .warn: 1
            case .fail: 2
            }
        }

        package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    /// One check's result.
    package struct Result: Sendable, Equatable, Codable {
        /// `scopes`, `factors`, `mfa-policy`, `actions`, `rules`, `flag-container`.
        package var id: String
        package var verdict: Verdict
        /// What was found.
        package var message: String
        /// What to do about a warning or failure; nil on a pass.
        package var fix: String?

        package init(id: String, verdict: Verdict, message: String, fix: String? = nil) {
            self.id = id
            self.verdict = verdict
            self.message = message
            self.fix = fix
        }
    }

    /// `app_metadata.use_mfa`.
    package var flag: String
    package var results: [Result]
    /// Whether a deployed, bound post-login Action or an enabled Rule reads the flag and asks for MFA.
    package var flagIsRead: Bool
    /// Whether the MFA policy prompts every user anyway (`all-applications`).
    package var policyMakesFlagMoot: Bool
    /// Read scopes the token lacked, so that some checks could not run; empty when all ran.
    package var missingReadScopes: [String]

    package init(
        flag: String, results: [Result], flagIsRead: Bool, policyMakesFlagMoot: Bool, missingReadScopes: [String]
    ) {
        self.flag = flag
        self.results = results
        self.flagIsRead = flagIsRead
        self.policyMakesFlagMoot = policyMakesFlagMoot
        self.missingReadScopes = missingReadScopes
    }

    enum CodingKeys: String, CodingKey {
        case flag, verdict, results
        case flagIsRead = "flag_is_read"
        case policyMakesFlagMoot = "policy_makes_flag_moot"
        case missingReadScopes = "missing_read_scopes"
    }

    /// `{"flag", "verdict", "flag_is_read", "policy_makes_flag_moot", "missing_read_scopes", "results"}`.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(flag, forKey: .flag)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(flagIsRead, forKey: .flagIsRead)
        try c.encode(policyMakesFlagMoot, forKey: .policyMakesFlagMoot)
        try c.encode(missingReadScopes, forKey: .missingReadScopes)
        try c.encode(results, forKey: .results)
    }

    /// The worst verdict.
    package var verdict: Verdict { results.map(\.verdict).max() ?? .pass }

    /// 0 when everything passes (or only warnings without `strict`), 3 on warnings with
    /// `strict`, 1 on a failure.
    package func exitCode(strict: Bool) -> Int32 {
        switch verdict {
        case .pass: 0
        case .warn: strict ? 3 : 0
        case .fail: 1
        }
    }

    /// Why `apply` (or `reconcile --auto-apply`) must not send anything, nil when it may: the
    /// check could not run, nothing reads the flag, or the MFA policy makes it moot.
    package var applyRefusal: String? {
        if !missingReadScopes.isEmpty {
            return
                "the tenant check could not run: the token lacks \(missingReadScopes.joined(separator: ", ")); grant \(missingReadScopes.count == 1 ? "it" : "them") to the application, or pass --skip-check"
        }
        if policyMakesFlagMoot {
            return
                "the tenant's MFA policy is \"all-applications\": every user already gets MFA and the flag changes nothing (set the policy to never, or pass --skip-check)"
        }
        if !flagIsRead {
            let detail = results.first { $0.id == "actions" && $0.verdict == .fail }?.message
            return
                "no deployed post-login Action or enabled Rule reads \(flag) and asks for MFA\(detail.map { ": \($0)" } ?? ""); run `mfa-rollout check` for the fix, or pass --skip-check"
        }
        return nil
    }
}
