import Logging
import ManagementAPI

/// A ready Management API client, its shared rate limiter and the HTTP client it owns.
///
/// Every worker of a run shares this one value: one token cache, one token bucket (corrected
/// from the server's headers), one connection pool sized to the concurrency.
/// Call ``shutdown()`` when done (or use ``with(_:scope:logger:_:)``).
package struct ManagementConnection: Sendable {
    package let settings: ConnectionSettings
    package let client: ManagementClient
    package let rateLimiter: RateLimiter
    private let httpClient: HTTPClient

    /// Builds the client for `settings`, pacing calls at `settings.limits.limit(for: scope)`.
    /// - Throws: ``ManagementAPIError/invalidDomain(_:reason:)`` or ``ManagementAPIError/insecureURL(_:)``.
    package init(
        _ settings: ConnectionSettings, scope: RateLimit.Scope = .writeUsers, clock: any APIClock = SystemAPIClock(),
        logger: Logger = Logger(label: "mfa-rollout.management-api")
    ) throws(ManagementAPIError) {
        let endpoint = try settings.endpoint()
        self.settings = settings
        self.rateLimiter = RateLimiter(settings.limits.limit(for: scope), clock: clock)
        self.httpClient = ManagementClient.makeHTTPClient(maxConnectionsPerHost: settings.concurrency)
        self.client = ManagementClient(
            endpoint: endpoint, credentials: settings.credentials, httpClient: httpClient, rateLimiter: rateLimiter,
            retryPolicy: settings.retryPolicy, requestTimeout: settings.requestTimeout, clock: clock, logger: logger)
    }

    /// Closes the connection pool.
    package func shutdown() async {
        try? await httpClient.shutdown()
    }

    /// Runs `body` with a connection for `settings` and shuts it down afterwards, also on error.
    package static func with<T: Sendable>(
        _ settings: ConnectionSettings, scope: RateLimit.Scope = .writeUsers,
        logger: Logger = Logger(label: "mfa-rollout.management-api"),
        _ body: (ManagementConnection) async throws -> T
    ) async throws -> T {
        let connection = try ManagementConnection(settings, scope: scope, logger: logger)
        do {
            let result = try await body(connection)
            await connection.shutdown()
            return result
        } catch {
            await connection.shutdown()
            throw error
        }
    }
}
