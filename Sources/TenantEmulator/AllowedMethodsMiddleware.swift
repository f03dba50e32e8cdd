import HTTPTypes
import Hummingbird

/// Answers a method the emulator does not serve on a path it does serve with 405 Method Not
/// Allowed and an `Allow` header (RFC 9110), in Auth0's error shape. `HEAD` is allowed wherever
/// `GET` is, and both `HEAD` and `OPTIONS` are listed. A path template with fewer parameters
/// wins over one with more: `/jobs/users-exports` is not `/jobs/{id}`.
struct AllowedMethodsMiddleware: RouterMiddleware {
    typealias Context = EmulatorContext

    /// Each served operation: its method and full path template (`/api/v2/users/{id}`).
    let operations: [(method: HTTPRequest.Method, path: String)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let allowed = allowedMethods(for: request.uri.path) else { return try await next(request, context) }
        let method = request.method == .head ? .get : request.method
        if allowed.contains(method), request.method != .options {
            return try await next(request, context)
        }
        let listed = (allowed.map(\.rawValue) + (allowed.contains(.get) ? ["HEAD"] : []) + ["OPTIONS"]).sorted()
        var response = Response.json(
            Auth0ErrorBody(status: .methodNotAllowed, message: "Method Not Allowed").json,
            status: .methodNotAllowed
        )
        response.headers[.allow] = listed.joined(separator: ", ")
        return response
    }

    /// The methods served at `path`, nil when no template matches it.
    func allowedMethods(for path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var best: (parameters: Int, methods: Set<HTTPRequest.Method>)?
        for operation in operations {
            let template = operation.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard template.count == segments.count else { continue }
            var parameters = 0
            let matches = zip(template, segments).allSatisfy { pattern, segment in
                if pattern.hasPrefix("{") {
                    parameters += 1
                    return !segment.isEmpty
                }
                return pattern == segment
            }
            guard matches else { continue }
            if best == nil || parameters < best!.parameters {
                best = (parameters, [operation.method])
            } else if parameters == best!.parameters {
                best!.methods.insert(operation.method)
            }
        }
        return best?.methods
    }
}
