import HTTPTypes
import Hummingbird

/// Checks Management API requests (`/api/v2/…`) against the tenant's buckets and stamps
/// `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` on every answer, 2xx and
/// 429 alike (Hummingbird adds `Date` to every response).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = EmulatorContext

    let limiter: RateLimiter

    static let limitHeader = HTTPField.Name("x-ratelimit-limit")!
    static let remainingHeader = HTTPField.Name("x-ratelimit-remaining")!
    static let resetHeader = HTTPField.Name("x-ratelimit-reset")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard path.hasPrefix("/api/v2/") else {
            return try await next(request, context)
        }
        let decision = await limiter.admit(method: request.method.rawValue, path: path)
        var response: Response
        if decision.allowed {
            response = try await ErrorResponses.respond(request, context, next)
        } else {
            response = Response.json(Auth0ErrorBody.tooManyRequests.json, status: .tooManyRequests)
        }
        response.headers[Self.limitHeader] = String(decision.limit)
        response.headers[Self.remainingHeader] = String(decision.remaining)
        response.headers[Self.resetHeader] = String(decision.reset)
        return response
    }
}
