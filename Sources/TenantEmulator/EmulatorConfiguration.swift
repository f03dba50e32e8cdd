/// Everything that shapes one emulated tenant. All defaults are documented on the properties.
package struct EmulatorConfiguration: Sendable {
    /// Where the users come from.
    package enum Seed: Sendable {
        /// No users.
        case empty
        /// Users given directly.
        case users([User])
        /// An Auth0 export CSV (optionally gzip-compressed), read with MFARollout's `ExportReader`.
        case exportFile(path: String)
        /// `count` users from ``UserGenerator`` with `seed`.
        case generated(count: Int, seed: UInt64)
    }

    /// Interface to bind; default `127.0.0.1`.
    package var host: String = "127.0.0.1"
    /// Port; `0` picks a free one (read it back from `onListening`). Default 8787.
    package var port: Int = 8787
    /// The one client allowed to fetch tokens; default `emulator-client`.
    package var clientID: String = "emulator-client"
    /// Its secret; default `emulator-secret`.
    package var clientSecret: String = "emulator-secret"
    /// Scopes granted to issued tokens.
    package var scopes: [String] = EmulatorConfiguration.defaultScopes
    /// Token lifetime in seconds (`expires_in`); default 86,400 like Auth0.
    package var tokenTTL: Double = 86_400
    /// Seconds an export job takes from creation to `completed`; default 1.
    package var exportDelay: Double = 1
    /// Seconds a download link stays valid; default 60 like Auth0.
    package var downloadLinkTTL: Double = 60
    /// Rate limits; default ``RateLimitPlan/local``.
    package var limits: RateLimitPlan = .local
    /// Injected faults; default none.
    package var faults: FaultConfiguration = .init()
    /// The initial users.
    package var seed: Seed = .empty
    /// The initial roles and organizations, with the ids of their users; default none.
    package var memberships = MembershipSeed()
    /// JSON file: users are loaded from it on start when it exists (instead of `seed`) and
    /// saved to it when the server stops.
    package var stateFile: String?
    /// Factors, MFA policy, Actions and Rules; default a tenant set up correctly for the
    /// default flag (``TenantSetupConfiguration/default``).
    package var tenantSetup: TenantSetupConfiguration = .default
    /// The clock; tests pass a ``ManualClock``.
    package var clock: any EmulatorClock = SystemClock()

    /// What mfa-rollout's commands need: `read:users update:users update:users_app_metadata
    /// create:guardian_enrollment_tickets`, the read scopes of `check` (`read:guardian_factors
    /// read:mfa_policies read:actions read:rules`), those of `action --deploy`
    /// (`create:actions update:actions`), and the role and organization scopes
    /// (``membershipScopes``).
    package static let defaultScopes =
        [
            "read:users", "update:users", "update:users_app_metadata", "create:guardian_enrollment_tickets",
            "read:guardian_factors", "read:mfa_policies", "read:actions", "read:rules", "create:actions",
            "update:actions",
        ] + membershipScopes

    /// Reading and writing roles, organizations and their members.
    package static let membershipScopes = [
        "read:roles", "create:roles", "update:roles", "read:role_members", "create:role_members",
        "read:organizations", "create:organizations", "read:organization_members", "create:organization_members",
    ]

    package init() {}
}

/// Faults the emulator injects into Management API requests (`/api/v2/…`), drawn from a seeded
/// generator so a run with the same seed and the same request order misbehaves the same way.
package struct FaultConfiguration: Sendable, Equatable {
    /// Share of requests answered 500, 502 or 503 without being carried out.
    package var failRate: Double = 0
    /// Delay added before every Management API answer, in milliseconds.
    package var latencyMilliseconds: Int = 0
    /// Share of requests whose connection is closed before anything is done or answered.
    package var dropRate: Double = 0
    /// Share of PATCH requests that are applied and then answered by closing the connection.
    package var dropAfterWriteRate: Double = 0
    /// Seed of the fault generator.
    package var seed: UInt64 = 0

    package init(
        failRate: Double = 0,
        latencyMilliseconds: Int = 0,
        dropRate: Double = 0,
        dropAfterWriteRate: Double = 0,
        seed: UInt64 = 0
    ) {
        self.failRate = failRate
        self.latencyMilliseconds = latencyMilliseconds
        self.dropRate = dropRate
        self.dropAfterWriteRate = dropAfterWriteRate
        self.seed = seed
    }

    /// True when no fault is configured.
    package var isNone: Bool { failRate == 0 && latencyMilliseconds == 0 && dropRate == 0 && dropAfterWriteRate == 0 }
}
