import Foundation
import Hummingbird

/// Everything one running emulator holds, shared by the routes.
struct Tenant: Sendable {
    let configuration: EmulatorConfiguration
    let store: TenantStore
    let tokens: AccessTokens
    let jobs: ExportJobs
    let enrollments: Enrollments
    let memberships: Memberships
    let limiter: RateLimiter
    let faults: FaultInjection
    let setup: TenantSetup

    init(configuration: EmulatorConfiguration, store: TenantStore) {
        self.configuration = configuration
        self.store = store
        let clock = configuration.clock
        tokens = AccessTokens(clock: clock)
        jobs = ExportJobs(
            store: store, clock: clock, delay: configuration.exportDelay, linkTTL: configuration.downloadLinkTTL)
        enrollments = Enrollments(clock: clock)
        memberships = Memberships(seed: configuration.memberships)
        limiter = RateLimiter(plan: configuration.limits, clock: clock)
        faults = FaultInjection(configuration: configuration.faults)
        setup = TenantSetup(configuration: configuration.tenantSetup, clock: clock)
    }

    var clock: any EmulatorClock { configuration.clock }

    /// The scopes of the request's bearer token: 401 without a live token, 403 when it holds
    /// none of `anyOf`.
    func authorize(_ request: Request, anyOf expected: [String]) async throws -> Set<String> {
        guard let header = request.headers[.authorization],
            header.count > 7, header.prefix(7).lowercased() == "bearer ",
            let scopes = await tokens.scopes(for: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        else {
            throw Auth0ErrorBody.invalidToken
        }
        guard !scopes.isDisjoint(with: expected) else { throw Auth0ErrorBody.insufficientScope(expected) }
        return scopes
    }

    /// Base of absolute URLs handed out (download links, ticket URLs).
    func baseURL(for request: Request) -> String {
        request.baseURL(fallbackHost: configuration.host, fallbackPort: configuration.port)
    }
}
