/// Everything that can go wrong talking to the Management API. No case ever carries a secret
/// (client secret, token, ticket URL, signed download URL query).
package enum ManagementAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How a transport failure happened.
    package enum TransportKind: String, Sendable, Equatable {
        case connectionReset = "connection reset"
        case connectFailed = "connection failed"
        case timeout
        case tls = "TLS"
        case other
    }

    /// A non-2xx answer (other than 429) with the decoded Auth0 error body when there was one.
    /// `operation` names the call without ids, e.g. `PATCH /api/v2/users/{id}`.
    case http(status: Int, body: Auth0ErrorBody?, operation: String)
    /// 429 Too Many Requests. `wait` is how long the server asked us to wait
    /// (Retry-After, else reset - Date), nil when it did not say.
    case rateLimited(wait: Duration?, body: Auth0ErrorBody?, operation: String)
    /// The request did not get an HTTP answer. `underlying` is the transport's own description.
    case transport(kind: TransportKind, underlying: String, operation: String)
    /// An answer that is not what the API documents (undecodable JSON, missing field, a redirect).
    case invalidResponse(status: Int, reason: String, operation: String)
    /// The token endpoint refused the client id / secret (401 or 403). Nothing sent is echoed.
    case invalidCredentials(status: Int)
    /// A URL that would send credentials over plain HTTP to a non-loopback host.
    case insecureURL(String)
    /// A `--domain` that is not `host` or `HOST:PORT`.
    case invalidDomain(String, reason: String)
    /// A request the client refuses to send (bad metadata key, correlation id too long, ...).
    case invalidRequest(reason: String)
    /// Writing a downloaded file failed.
    case fileSystem(path: String, underlying: String)
    /// The calling task was cancelled.
    case cancelled

    /// The HTTP status when there was one.
    package var statusCode: Int? {
        switch self {
        case .http(let status, _, _): return status
        case .rateLimited: return 429
        case .invalidResponse(let status, _, _): return status == 0 ? nil : status
        case .invalidCredentials(let status): return status
        default: return nil
        }
    }

    /// Worth another attempt: 429, 408, 5xx and transport failures (except TLS). Other 4xx are
    /// terminal: the same request would get the same answer.
    package var isRetryable: Bool {
        switch self {
        case .http(let status, _, _):
            return status == 408 || (500...599).contains(status)
        case .rateLimited:
            return true
        case .transport(let kind, _, _):
            return kind != .tls
        case .invalidResponse(let status, _, _):
            return (500...599).contains(status)
        case .invalidCredentials, .insecureURL, .invalidDomain, .invalidRequest, .fileSystem, .cancelled:
            return false
        }
    }

    /// 404 from a user endpoint: the user no longer exists.
    package var isNotFound: Bool {
        if case .http(404, _, _) = self { return true }
        return false
    }

    /// The Auth0 `errorCode` (e.g. `inexistent_user`, `insufficient_scope`) when known.
    package var auth0ErrorCode: String? {
        switch self {
        case .http(_, let body, _), .rateLimited(_, let body, _): return body?.errorCode
        default: return nil
        }
    }

    package var description: String {
        switch self {
        case .http(let status, let body, let operation):
            let detail = body.map { " \($0)" } ?? ""
            return "\(operation) answered HTTP \(status)\(detail)"
        case .rateLimited(let wait, let body, let operation):
            let detail = body?.message.map { " (\($0))" } ?? ""
            let waitText = wait.map { ", retry after \(Self.format($0))" } ?? ""
            return "\(operation) was rate limited (HTTP 429)\(detail)\(waitText)"
        case .transport(let kind, let underlying, let operation):
            return "\(operation) failed without an HTTP answer (\(kind.rawValue)): \(underlying)"
        case .invalidResponse(let status, let reason, let operation):
            return "\(operation) gave an unexpected answer (HTTP \(status)): \(reason)"
        case .invalidCredentials(let status):
            return "the token endpoint refused the client credentials (HTTP \(status)); check the client id and secret"
        case .insecureURL(let url):
            return "refusing insecure URL \(url)"
        case .invalidDomain(let domain, let reason):
            return "invalid domain '\(domain)': \(reason)"
        case .invalidRequest(let reason):
            return "invalid request: \(reason)"
        case .fileSystem(let path, let underlying):
            return "cannot write \(path): \(underlying)"
        case .cancelled:
            return "cancelled"
        }
    }

    static func format(_ duration: Duration) -> String {
        let seconds = duration.secondsValue
        return seconds < 10 ? "\((seconds * 1000).rounded() / 1000)s" : "\(Int(seconds.rounded()))s"
    }
}
