import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A token as issued by the token endpoint.
package struct IssuedToken: Sendable, Equatable {
    package var token: BearerToken
    /// Lifetime from issue (`expires_in`).
    package var expiresIn: Duration
    /// Granted scopes (`scope`), split on spaces.
    package var scopes: [String]

    package init(token: BearerToken, expiresIn: Duration, scopes: [String] = []) {
        self.token = token
        self.expiresIn = expiresIn
        self.scopes = scopes
    }
}

/// Something that can get a fresh token (the client-credentials grant; a stub in tests).
package protocol TokenFetcher: Sendable {
    func fetchToken() async throws(ManagementAPIError) -> IssuedToken
}

/// Hands out the Management API token: fetched once and cached for its lifetime minus a
/// margin; concurrent callers share one fetch; after a 401 the client asks for ONE refresh.
package actor TokenProvider {
    private enum Source {
        case fixed(BearerToken)
        case fetcher(any TokenFetcher)
    }

    private let source: Source
    private let clock: any APIClock
    private let expiryMargin: Duration
    private var cached: (token: BearerToken, expiresAt: Duration)?
    private var inFlight: Task<IssuedToken, any Error>?
    /// Completed fetches from the token endpoint (for tests and diagnostics).
    package private(set) var fetchCount = 0
    /// Callers currently waiting on a fetch.
    package private(set) var waitingCallers = 0
    /// The scopes the token endpoint said it granted with the current token (its `scope`);
    /// nil before a fetch or when it did not say.
    private var lastGrantedScopes: [String]?

    /// The scopes the current token carries, when they can be known: the token endpoint's
    /// `scope` for fetched tokens, the `scope` claim of a static token that is a JWT. Fetches a
    /// token when none is cached. Nil when they cannot be known (an opaque static token).
    package func grantedScopes() async throws(ManagementAPIError) -> [String]? {
        let token = try await self.token()
        switch source {
        case .fixed: return TokenScopes.fromJWT(token.value)
        case .fetcher: return lastGrantedScopes ?? TokenScopes.fromJWT(token.value)
        }
    }

    /// A provider for a static token: never fetches, cannot refresh.
    package init(staticToken: BearerToken, clock: any APIClock = SystemAPIClock()) {
        self.source = .fixed(staticToken)
        self.clock = clock
        self.expiryMargin = .zero
    }

    /// A provider that fetches with `fetcher`.
    /// - Parameter expiryMargin: a token is replaced this long before it expires (at most half its lifetime).
    package init(
        fetcher: any TokenFetcher, clock: any APIClock = SystemAPIClock(), expiryMargin: Duration = .seconds(300)
    ) {
        self.source = .fetcher(fetcher)
        self.clock = clock
        self.expiryMargin = expiryMargin
    }

    /// A provider for `credentials`: the client-credentials grant against `endpoint`, or a static token.
    package init(
        credentials: ManagementCredentials,
        endpoint: ManagementEndpoint,
        httpClient: HTTPClient,
        clock: any APIClock = SystemAPIClock(),
        retryPolicy: RetryPolicy = RetryPolicy(maxAttempts: 3),
        requestTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "mfa-rollout.management-api")
    ) {
        switch credentials {
        case .staticToken(let token):
            self.init(staticToken: token, clock: clock)
        case .clientCredentials(let clientID, let secret):
            let fetcher = ClientCredentialsFetcher(
                endpoint: endpoint, clientID: clientID, secret: secret,
                transport: HTTPTransport(
                    client: httpClient, timeout: .nanoseconds(Int64(requestTimeout.secondsValue * 1e9))),
                clock: clock, retryPolicy: retryPolicy, logger: logger)
            self.init(fetcher: fetcher, clock: clock)
        }
    }

    /// Whether ``refresh(rejected:)`` can produce a different token.
    package nonisolated var canRefresh: Bool {
        if case .fetcher = source { return true }
        return false
    }

    /// The current token, fetching one when none is cached or it is about to expire.
    package func token() async throws(ManagementAPIError) -> BearerToken {
        switch source {
        case .fixed(let token):
            return token
        case .fetcher(let fetcher):
            if let cached, clock.now < cached.expiresAt { return cached.token }
            return try await fetchShared(fetcher)
        }
    }

    /// Called after the API answered 401 to `rejected`: returns a new token, or nil when the
    /// token cannot be refreshed (static). When another caller already replaced `rejected`,
    /// the newer cached token is returned without a second fetch.
    package func refresh(rejected: BearerToken) async throws(ManagementAPIError) -> BearerToken? {
        guard case .fetcher(let fetcher) = source else { return nil }
        if let cached, cached.token != rejected, clock.now < cached.expiresAt { return cached.token }
        cached = nil
        return try await fetchShared(fetcher)
    }

    private func fetchShared(_ fetcher: any TokenFetcher) async throws(ManagementAPIError) -> BearerToken {
        let task: Task<IssuedToken, any Error>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { () async throws -> IssuedToken in try await fetcher.fetchToken() }
            inFlight = task
        }
        waitingCallers += 1
        let result = await task.result
        waitingCallers -= 1
        if inFlight == task {
            inFlight = nil
            if case .success = result { fetchCount += 1 }
        }
        switch result {
        case .success(let issued):
            let margin = min(expiryMargin, issued.expiresIn / 2)
            let expiresAt = clock.now + issued.expiresIn - margin
            if cached == nil || cached!.expiresAt < expiresAt {
                cached = (issued.token, expiresAt)
                lastGrantedScopes = issued.scopes.isEmpty ? nil : issued.scopes
            }
            return cached?.token ?? issued.token
        case .failure(let error):
            throw HTTPTransport.classify(error, operation: "POST /oauth/token")
        }
    }
}

/// The client-credentials grant: a form-encoded POST to `/oauth/token`.
struct ClientCredentialsFetcher: TokenFetcher {
    let endpoint: ManagementEndpoint
    let clientID: String
    let secret: ClientSecret
    let transport: HTTPTransport
    let clock: any APIClock
    let retryPolicy: RetryPolicy
    let logger: Logger

    static let operation = "POST /oauth/token"

    private struct TokenResponse: Decodable {
        var accessToken: String
        var expiresIn: Double?
        var scope: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
            case scope
        }
    }

    private struct OAuthErrorBody: Decodable {
        var error: String?
        var errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }

    /// `grant_type=client_credentials&client_id=…&client_secret=…&audience=…`
    func formBody() -> [UInt8] {
        let pairs = [
            ("grant_type", "client_credentials"),
            ("client_id", clientID),
            ("client_secret", secret.value),
            ("audience", endpoint.audience),
        ]
        let text = pairs.map { "\($0.0)=\(PathEncoding.encodeSegment($0.1))" }.joined(separator: "&")
        return Array(text.utf8)
    }

    func fetchToken() async throws(ManagementAPIError) -> IssuedToken {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: ManagementClient.userAgent)
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Result<IssuedToken, ManagementAPIError>
            do {
                let exchange = try await transport.send(
                    method: .POST, url: endpoint.tokenURL, headers: headers, body: formBody(),
                    operation: Self.operation)
                outcome = interpret(exchange)
            } catch let thrown {
                outcome = .failure(thrown)
            }
            let error: ManagementAPIError
            switch outcome {
            case .success(let issued): return issued
            case .failure(let failure): error = failure
            }
            guard let delay = retryPolicy.delay(after: error, attempt: attempt, serverWait: nil) else {
                logger.warning(
                    "token request failed",
                    metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                throw error
            }
            logger.info(
                "token request failed; retrying",
                metadata: ["attempt": "\(attempt)", "error": "\(error)", "delay": "\(delay)"])
            do {
                try await clock.sleep(until: clock.now + delay)
            } catch {
                throw .cancelled
            }
        }
    }

    /// The token, or what went wrong (the caller decides whether to retry).
    private func interpret(_ exchange: HTTPExchange) -> Result<IssuedToken, ManagementAPIError> {
        switch exchange.status {
        case 200...299:
            guard let response = try? JSONDecoder().decode(TokenResponse.self, from: Data(exchange.body)),
                !response.accessToken.isEmpty
            else {
                return .failure(
                    .invalidResponse(
                        status: exchange.status, reason: "the token answer has no access_token",
                        operation: Self.operation))
            }
            let lifetime = response.expiresIn ?? 86_400
            return .success(
                IssuedToken(
                    token: BearerToken(response.accessToken),
                    expiresIn: .seconds(clamping: lifetime),
                    scopes: response.scope.map { $0.split(separator: " ").map(String.init) } ?? []))
        case 401, 403:
            return .failure(.invalidCredentials(status: exchange.status))
        default:
            let oauth = try? JSONDecoder().decode(OAuthErrorBody.self, from: Data(exchange.body))
            let body =
                Auth0ErrorBody.decode(exchange.body)
                ?? oauth.map {
                    Auth0ErrorBody(statusCode: exchange.status, error: $0.error, message: $0.errorDescription)
                }
            if exchange.status == 429 {
                return .failure(.rateLimited(wait: nil, body: body, operation: Self.operation))
            }
            return .failure(.http(status: exchange.status, body: body, operation: Self.operation))
        }
    }
}
