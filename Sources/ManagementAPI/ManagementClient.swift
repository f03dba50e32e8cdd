import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The Auth0 Management API v2 client: the only code in mfa-rollout that speaks to Auth0.
///
/// Safe to share between many concurrent workers: every call takes a token from the shared
/// ``RateLimiter`` (each attempt, retries included), feeds the response's rate-limit headers
/// back into it, retries per ``RetryPolicy``, and refreshes the token once on a 401.
package struct ManagementClient: Sendable {
    /// `User-Agent` sent with every request.
    package static let userAgent = "mfa-rollout"
    /// Longest `X-Correlation-ID` Auth0 accepts.
    package static let maxCorrelationIDLength = 64

    package let endpoint: ManagementEndpoint
    package let tokens: TokenProvider
    /// Shared bucket; nil sends unpaced (tests, one-off reads).
    package let rateLimiter: RateLimiter?
    package let retryPolicy: RetryPolicy
    private let transport: HTTPTransport
    private let clock: any APIClock
    private let logger: Logger
    /// Called after every attempt of every call, in addition to a per-call observer.
    private let observer: AttemptObserver?

    /// - Parameters:
    ///   - endpoint: where the API lives.
    ///   - tokens: the token source (see ``TokenProvider``).
    ///   - httpClient: the AsyncHTTPClient to use; the caller owns its shutdown. Use
    ///     ``makeHTTPClient(maxConnectionsPerHost:)`` for one that never follows redirects.
    ///   - rateLimiter: the shared bucket, or nil for no pacing.
    ///   - retryPolicy: retries of retryable failures.
    ///   - requestTimeout: deadline for each attempt's answer head.
    ///   - clock: time source for retry waits (a virtual clock in tests).
    ///   - logger: never receives tokens, secrets or ticket URLs.
    ///   - observer: called after every attempt of every call.
    package init(
        endpoint: ManagementEndpoint,
        tokens: TokenProvider,
        httpClient: HTTPClient,
        rateLimiter: RateLimiter? = nil,
        retryPolicy: RetryPolicy = RetryPolicy(),
        requestTimeout: Duration = .seconds(30),
        clock: any APIClock = SystemAPIClock(),
        logger: Logger = Logger(label: "mfa-rollout.management-api"),
        observer: AttemptObserver? = nil
    ) {
        self.endpoint = endpoint
        self.tokens = tokens
        self.rateLimiter = rateLimiter
        self.retryPolicy = retryPolicy
        self.transport = HTTPTransport(
            client: httpClient, timeout: .nanoseconds(Int64(requestTimeout.secondsValue * 1e9)))
        self.clock = clock
        self.logger = logger
        self.observer = observer
    }

    /// A client whose tokens come from `credentials` (client-credentials grant against
    /// `endpoint`, cached and single-flight, or a static token).
    package init(
        endpoint: ManagementEndpoint,
        credentials: ManagementCredentials,
        httpClient: HTTPClient,
        rateLimiter: RateLimiter? = nil,
        retryPolicy: RetryPolicy = RetryPolicy(),
        requestTimeout: Duration = .seconds(30),
        clock: any APIClock = SystemAPIClock(),
        logger: Logger = Logger(label: "mfa-rollout.management-api"),
        observer: AttemptObserver? = nil
    ) {
        let tokens = TokenProvider(
            credentials: credentials, endpoint: endpoint, httpClient: httpClient, clock: clock,
            retryPolicy: RetryPolicy(
                maxAttempts: min(retryPolicy.maxAttempts, 3), baseDelay: retryPolicy.baseDelay,
                maxDelay: retryPolicy.maxDelay, jitter: retryPolicy.jitter, random: retryPolicy.random),
            requestTimeout: requestTimeout, logger: logger)
        self.init(
            endpoint: endpoint, tokens: tokens, httpClient: httpClient, rateLimiter: rateLimiter,
            retryPolicy: retryPolicy, requestTimeout: requestTimeout, clock: clock, logger: logger, observer: observer)
    }

    /// An HTTPClient suited to this client: no redirects (an `Authorization` header must never
    /// follow one), up to `maxConnectionsPerHost` parallel HTTP/1 connections. The caller
    /// shuts it down (`try await client.shutdown()`).
    package static func makeHTTPClient(maxConnectionsPerHost: Int = 16, connectTimeout: Duration = .seconds(10))
        -> HTTPClient
    {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, maxConnectionsPerHost)
        configuration.timeout.connect = .milliseconds(Int64(max(connectTimeout.secondsValue, 0.001) * 1000))
        configuration.timeout.read = .seconds(60)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    // MARK: Users

    /// `GET /api/v2/users/{id}`. A 404 throws `.http(status: 404, ...)` (``ManagementAPIError/isNotFound``).
    package func getUser(id: String, correlationID: String? = nil, observer: AttemptObserver? = nil)
        async throws(ManagementAPIError) -> ManagementUser
    {
        let exchange = try await perform(
            .GET, path: "users/\(PathEncoding.encodeSegment(id))", operation: "GET /api/v2/users/{id}",
            correlationID: correlationID, observer: observer)
        return try decode(ManagementUser.self, exchange, operation: "GET /api/v2/users/{id}")
    }

    /// `PATCH /api/v2/users/{id}` with exactly one metadata key: `{"app_metadata":{"use_mfa":true}}`.
    /// Returns the updated user.
    package func patchUser(
        id: String, body: FlagPatch, correlationID: String? = nil, observer: AttemptObserver? = nil
    ) async throws(ManagementAPIError) -> ManagementUser {
        let operation = "PATCH /api/v2/users/{id}"
        let exchange = try await perform(
            .PATCH, path: "users/\(PathEncoding.encodeSegment(id))", operation: operation,
            body: body.jsonBody(), correlationID: correlationID, observer: observer)
        return try decode(ManagementUser.self, exchange, operation: operation)
    }

    // MARK: Export jobs

    /// `POST /api/v2/jobs/users-exports`. Any 2xx is accepted (Auth0 answers 201).
    package func createUsersExport(
        fields: [ExportField], connectionID: String? = nil, limit: Int? = nil, format: ExportFormat = .csv,
        correlationID: String? = nil, observer: AttemptObserver? = nil
    ) async throws(ManagementAPIError) -> ExportJob {
        let operation = "POST /api/v2/jobs/users-exports"
        guard !fields.isEmpty, fields.count <= 30 else {
            throw .invalidRequest(reason: "an export takes 1 to 30 fields, not \(fields.count)")
        }
        let request = UsersExportRequest(connectionID: connectionID, format: format, limit: limit, fields: fields)
        let body = try encode(request)
        let exchange = try await perform(
            .POST, path: "jobs/users-exports", operation: operation, body: body, correlationID: correlationID,
            observer: observer)
        return try decode(ExportJob.self, exchange, operation: operation)
    }

    /// `GET /api/v2/jobs/{id}`.
    package func getJob(id: String, correlationID: String? = nil, observer: AttemptObserver? = nil)
        async throws(ManagementAPIError) -> ExportJob
    {
        let operation = "GET /api/v2/jobs/{id}"
        let exchange = try await perform(
            .GET, path: "jobs/\(PathEncoding.encodeSegment(id))", operation: operation, correlationID: correlationID,
            observer: observer)
        return try decode(ExportJob.self, exchange, operation: operation)
    }

    /// Downloads a signed export URL into `path` (written to `path.partial`, then renamed).
    /// Returns the number of bytes written.
    ///
    /// The `Authorization` header is sent only when the URL has the API's own origin (the
    /// emulator); a signed URL on another host gets none. Not rate limited (another host),
    /// but retried per the policy.
    @discardableResult
    package func download(_ url: SignedURL, to path: String, observer: AttemptObserver? = nil)
        async throws(ManagementAPIError) -> Int
    {
        try await withDownloadRetries(url, observer: observer) { (response) async throws(ManagementAPIError) -> Int in
            try await Self.stream(response.body, to: path)
        }
    }

    /// Downloads a signed export URL and hands back its bytes (at most `maxBytes`).
    package func download(_ url: SignedURL, maxBytes: Int = 512 * 1024 * 1024, observer: AttemptObserver? = nil)
        async throws(ManagementAPIError) -> [UInt8]
    {
        try await withDownloadRetries(url, observer: observer) {
            (response) async throws(ManagementAPIError) -> [UInt8] in
            do {
                return Array(try await response.body.collect(upTo: maxBytes).readableBytesView)
            } catch {
                throw HTTPTransport.classify(error, operation: "GET {export location}")
            }
        }
    }

    // MARK: Enrollment

    /// `POST /api/v2/guardian/enrollments/ticket`. Any 2xx is accepted. The ticket URL in the
    /// answer is a credential: it is wrapped in ``TicketURL`` and never logged.
    package func createEnrollmentTicket(
        _ request: EnrollmentTicketRequest, correlationID: String? = nil, observer: AttemptObserver? = nil
    ) async throws(ManagementAPIError) -> EnrollmentTicket {
        let operation = "POST /api/v2/guardian/enrollments/ticket"
        let body = try encode(request.body)
        let exchange = try await perform(
            .POST, path: "guardian/enrollments/ticket", operation: operation, body: body,
            correlationID: correlationID, observer: observer)
        return try decode(EnrollmentTicket.self, exchange, operation: operation)
    }

    /// `POST /api/v2/guardian/enrollments/ticket` from its parts.
    package func createEnrollmentTicket(
        userID: String, email: String? = nil, sendMail: Bool, factor: EnrollmentFactor? = nil,
        emailLocale: String? = nil, allowMultipleEnrollments: Bool? = nil, correlationID: String? = nil,
        observer: AttemptObserver? = nil
    ) async throws(ManagementAPIError) -> EnrollmentTicket {
        try await createEnrollmentTicket(
            EnrollmentTicketRequest(
                userID: userID, email: email, sendMail: sendMail, emailLocale: emailLocale, factor: factor,
                allowMultipleEnrollments: allowMultipleEnrollments),
            correlationID: correlationID, observer: observer)
    }

    /// `GET /api/v2/users/{id}/enrollments`.
    package func getEnrollments(userID: String, correlationID: String? = nil, observer: AttemptObserver? = nil)
        async throws(ManagementAPIError) -> [Enrollment]
    {
        let operation = "GET /api/v2/users/{id}/enrollments"
        let exchange = try await perform(
            .GET, path: "users/\(PathEncoding.encodeSegment(userID))/enrollments", operation: operation,
            correlationID: correlationID, observer: observer)
        return try decode([Enrollment].self, exchange, operation: operation)
    }

    /// How many times one call refreshes its token after a 401 before it gives up.
    static let maxRefreshesPerCall = 3

    // MARK: The request loop

    /// Sends one API call with rate limiting, retries and token refreshes.
    /// Returns the 2xx answer; throws the last error otherwise.
    ///
    /// The token is taken from the provider for every attempt, after the wait in the rate
    /// limiter: a long run at a low rate waits longer than a token lives, and a token fetched
    /// before the wait would arrive expired. A 401 refreshes it (single-flight, shared with
    /// every worker) up to ``maxRefreshesPerCall`` times for one call; a 401 after that means
    /// the credentials themselves are refused.
    func perform(
        _ method: HTTPMethod, path: String, operation: String, body: [UInt8]? = nil, correlationID: String?,
        observer callObserver: AttemptObserver?
    ) async throws(ManagementAPIError) -> HTTPExchange {
        try Self.validate(correlationID: correlationID)
        let url = endpoint.baseURL + path
        var attempt = 0
        var refreshes = 0
        while true {
            attempt += 1
            if let rateLimiter {
                do {
                    try await rateLimiter.acquire()
                } catch {
                    throw .cancelled
                }
            }
            let token: BearerToken
            do {
                token = try await tokens.token()
            } catch {
                await rateLimiter?.release()
                throw error
            }
            var headers = HTTPHeaders()
            headers.add(name: "Authorization", value: "Bearer \(token.value)")
            headers.add(name: "Accept", value: "application/json")
            headers.add(name: "User-Agent", value: Self.userAgent)
            if body != nil { headers.add(name: "Content-Type", value: "application/json") }
            if let correlationID { headers.add(name: "X-Correlation-ID", value: correlationID) }

            let error: ManagementAPIError
            var serverWait: Duration?
            var status: Int?
            var roundTrip: Duration?
            do {
                let sent: Result<HTTPExchange, ManagementAPIError>
                let sentAt = ContinuousClock.now
                do {
                    sent = .success(
                        try await transport.send(
                            method: method, url: url, headers: headers, body: body, operation: operation))
                } catch {
                    sent = .failure(error)
                }
                roundTrip = ContinuousClock.now - sentAt
                await rateLimiter?.release()
                let exchange = try sent.get()
                status = exchange.status
                let limits = RateLimitHeaders(headers: exchange.headers)
                let localNow = Date().timeIntervalSince1970
                if let rateLimiter, !limits.isEmpty {
                    await rateLimiter.observe(limits, localNow: localNow)
                }
                if (200...299).contains(exchange.status) {
                    logger.debug(
                        "management API call succeeded",
                        metadata: Self.metadata(operation, attempt, exchange.status, correlationID))
                    await report(
                        AttemptReport(
                            operation: operation, attempt: attempt, status: exchange.status, error: nil,
                            retryDelay: nil, correlationID: correlationID, roundTrip: roundTrip), callObserver)
                    return exchange
                }
                serverWait = limits.retryAfterDelay(localNow: localNow) ?? limits.resetDelay(localNow: localNow)
                error = Self.error(for: exchange, operation: operation, serverWait: serverWait)
            } catch let thrown {
                error = thrown
            }
            if error == .cancelled { throw error }

            // A 401: the token expired or was revoked; refresh it and send the request again.
            if status == 401, refreshes < Self.maxRefreshesPerCall, tokens.canRefresh {
                refreshes += 1
                await report(
                    AttemptReport(
                        operation: operation, attempt: attempt, status: status, error: error, retryDelay: .zero,
                        correlationID: correlationID), callObserver)
                logger.info(
                    "management API answered 401; refreshing the token",
                    metadata: Self.metadata(operation, attempt, status, correlationID))
                guard try await tokens.refresh(rejected: token) != nil else { throw error }
                continue
            }

            let policyAttempt = attempt - refreshes
            let delay = retryPolicy.delay(after: error, attempt: policyAttempt, serverWait: serverWait)
            if case .rateLimited = error, let rateLimiter {
                // Everyone waits, not only this worker.
                await rateLimiter.pause(for: serverWait ?? delay ?? retryPolicy.backoff(retry: policyAttempt))
            }
            await report(
                AttemptReport(
                    operation: operation, attempt: attempt, status: status, error: error, retryDelay: delay,
                    correlationID: correlationID, roundTrip: roundTrip), callObserver)
            var metadata = Self.metadata(operation, attempt, status, correlationID)
            metadata["error"] = "\(error)"
            guard let delay else {
                logger.warning("management API call failed", metadata: metadata)
                throw error
            }
            metadata["delay"] = "\(ManagementAPIError.format(delay))"
            logger.info("management API call failed; retrying", metadata: metadata)
            do {
                try await clock.sleep(until: clock.now + delay)
            } catch {
                throw .cancelled
            }
        }
    }

    private func withDownloadRetries<Value>(
        _ url: SignedURL, observer callObserver: AttemptObserver?,
        _ consume: (HTTPClientResponse) async throws(ManagementAPIError) -> Value
    ) async throws(ManagementAPIError) -> Value {
        let operation = "GET {export location}"
        let sameOrigin = try checkDownloadURL(url)
        var attempt = 0
        while true {
            attempt += 1
            var headers = HTTPHeaders()
            headers.add(name: "User-Agent", value: Self.userAgent)
            if sameOrigin {
                headers.add(name: "Authorization", value: "Bearer \(try await tokens.token().value)")
            }
            let error: ManagementAPIError
            var status: Int?
            do {
                let response = try await transport.open(url: url.absoluteString, headers: headers, operation: operation)
                status = Int(response.status.code)
                if (200...299).contains(response.status.code) {
                    let value = try await consume(response)
                    await report(
                        AttemptReport(
                            operation: operation, attempt: attempt, status: status, error: nil, retryDelay: nil,
                            correlationID: nil), callObserver)
                    return value
                }
                let body = (try? await response.body.collect(upTo: 64 * 1024)).map { Array($0.readableBytesView) } ?? []
                error = Self.error(
                    for: HTTPExchange(status: Int(response.status.code), headers: response.headers, body: body),
                    operation: operation, serverWait: nil)
            } catch let thrown {
                error = thrown
            }
            if error == .cancelled { throw error }
            let delay = retryPolicy.delay(after: error, attempt: attempt, serverWait: nil)
            await report(
                AttemptReport(
                    operation: operation, attempt: attempt, status: status, error: error, retryDelay: delay,
                    correlationID: nil), callObserver)
            guard let delay else {
                logger.warning("export download failed", metadata: ["url": "\(url)", "error": "\(error)"])
                throw error
            }
            do {
                try await clock.sleep(until: clock.now + delay)
            } catch {
                throw .cancelled
            }
        }
    }

    /// Refuses insecure download URLs; returns whether the URL has the API's own origin.
    private func checkDownloadURL(_ url: SignedURL) throws(ManagementAPIError) -> Bool {
        guard let components = URLComponents(string: url.absoluteString), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw .invalidResponse(
                status: 0, reason: "the export location is not an absolute URL", operation: "GET /api/v2/jobs/{id}")
        }
        let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        switch scheme {
        case "https":
            break
        case "http":
            guard endpoint.scheme == .http, ManagementEndpoint.isLoopback(bareHost) else {
                throw .insecureURL("\(url)")
            }
        default:
            throw .insecureURL("\(url)")
        }
        let defaultPort = scheme == "https" ? 443 : 80
        return scheme == endpoint.scheme.rawValue
            && bareHost.lowercased() == endpoint.host.lowercased()
            && (components.port ?? defaultPort) == (endpoint.port ?? (endpoint.scheme == .https ? 443 : 80))
    }

    private static func stream(_ body: HTTPClientResponse.Body, to path: String) async throws(ManagementAPIError) -> Int
    {
        let partial = path + ".partial"
        let manager = FileManager.default
        _ = try? manager.removeItem(atPath: partial)
        guard manager.createFile(atPath: partial, contents: nil) else {
            throw .fileSystem(path: partial, underlying: "cannot create the file")
        }
        var written = 0
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
            defer { try? handle.close() }
            for try await buffer in body {
                try handle.write(contentsOf: Data(buffer.readableBytesView))
                written += buffer.readableBytes
            }
            try handle.synchronize()
        } catch {
            _ = try? manager.removeItem(atPath: partial)
            if error is CancellationError { throw .cancelled }
            if (error as NSError).domain == NSCocoaErrorDomain || error is POSIXError {
                throw .fileSystem(path: partial, underlying: "\(error)")
            }
            throw HTTPTransport.classify(error, operation: "GET {export location}")
        }
        do {
            if manager.fileExists(atPath: path) { try manager.removeItem(atPath: path) }
            try manager.moveItem(atPath: partial, toPath: path)
        } catch {
            throw .fileSystem(path: path, underlying: "\(error)")
        }
        return written
    }

    // MARK: Helpers

    private func report(_ report: AttemptReport, _ callObserver: AttemptObserver?) async {
        if let observer { await observer(report) }
        if let callObserver { await callObserver(report) }
    }

    static func validate(correlationID: String?) throws(ManagementAPIError) {
        guard let correlationID else { return }
        guard !correlationID.isEmpty, correlationID.utf8.count <= maxCorrelationIDLength else {
            throw .invalidRequest(reason: "X-Correlation-ID must be 1 to \(maxCorrelationIDLength) characters")
        }
        guard correlationID.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
            throw .invalidRequest(reason: "X-Correlation-ID must be printable ASCII without spaces")
        }
    }

    /// The typed error for a non-2xx answer.
    static func error(for exchange: HTTPExchange, operation: String, serverWait: Duration?) -> ManagementAPIError {
        let body = Auth0ErrorBody.decode(exchange.body)
        switch exchange.status {
        case 429:
            return .rateLimited(wait: serverWait, body: body, operation: operation)
        case 300...399:
            return .invalidResponse(
                status: exchange.status, reason: "unexpected redirect (redirects are not followed)",
                operation: operation)
        default:
            return .http(status: exchange.status, body: body, operation: operation)
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ exchange: HTTPExchange, operation: String)
        throws(ManagementAPIError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: Data(exchange.body))
        } catch {
            throw .invalidResponse(
                status: exchange.status, reason: "cannot decode the answer: \(Self.describe(error))",
                operation: operation)
        }
    }

    func encode<T: Encodable>(_ value: T) throws(ManagementAPIError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw .invalidRequest(reason: "cannot encode the body: \(error)")
        }
    }

    /// A decoding error without the payload (which could hold a ticket URL).
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "invalid JSON" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at '\(path(context.codingPath))'"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "invalid JSON" : "invalid value at '\(path(context.codingPath))'"
        @unknown default:
            return "invalid JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private static func metadata(_ operation: String, _ attempt: Int, _ status: Int?, _ correlationID: String?)
        -> Logger.Metadata
    {
        var metadata: Logger.Metadata = ["operation": "\(operation)", "attempt": "\(attempt)"]
        if let status { metadata["status"] = "\(status)" }
        if let correlationID { metadata["correlation_id"] = "\(correlationID)" }
        return metadata
    }
}
