import ManagementAPI

/// Everything needed to talk to one tenant, resolved from the command line: where, as whom,
/// how fast. Holds the secret or token only inside redacting wrappers.
package struct ConnectionSettings: Sendable, CustomStringConvertible {
    /// How fast to send: a documented plan (the limit depends on what is called) or a custom limit.
    package enum Limits: Sendable, Equatable, CustomStringConvertible {
        case preset(RateLimit.Plan)
        case custom(RateLimit)

        /// The limit for calls of `scope` (PATCH users is `.writeUsers`, GET users `.readUsers`).
        package func limit(for scope: RateLimit.Scope) -> RateLimit {
            switch self {
            case .preset(let plan): RateLimit.preset(plan, scope: scope)
            case .custom(let limit): limit
            }
        }

        package var description: String {
            switch self {
            case .preset(let plan): "\(plan.rawValue) plan"
            case .custom(let limit): "\(limit)"
            }
        }
    }

    /// `tenant.eu.auth0.com` or `HOST:PORT`.
    package var domain: String
    /// Plain HTTP, accepted only for a loopback host (the local emulator).
    package var allowInsecureHTTP: Bool
    package var credentials: ManagementCredentials
    package var limits: Limits
    /// Requests in flight at most (workers).
    package var concurrency: Int
    package var retryPolicy: RetryPolicy
    /// Deadline of each attempt.
    package var requestTimeout: Duration

    /// The default when no limit is given: Essentials/Professional write-users (200/min, burst 20).
    package static let defaultLimits = Limits.preset(.essentials)
    package static let defaultConcurrency = 32

    package init(
        domain: String, allowInsecureHTTP: Bool = false, credentials: ManagementCredentials,
        limits: Limits = ConnectionSettings.defaultLimits, concurrency: Int = ConnectionSettings.defaultConcurrency,
        retryPolicy: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(30)
    ) {
        self.domain = domain
        self.allowInsecureHTTP = allowInsecureHTTP
        self.credentials = credentials
        self.limits = limits
        self.concurrency = max(1, concurrency)
        self.retryPolicy = retryPolicy
        self.requestTimeout = requestTimeout
    }

    /// The validated endpoint (https, or http for a loopback host when allowed).
    package func endpoint() throws(ManagementAPIError) -> ManagementEndpoint {
        try ManagementEndpoint(domain: domain, allowInsecureHTTP: allowInsecureHTTP)
    }

    package var description: String {
        "\(domain) (\(credentials), \(limits), concurrency \(concurrency))"
    }
}
