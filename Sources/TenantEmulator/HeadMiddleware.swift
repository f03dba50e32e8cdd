import HTTPTypes
import Hummingbird

/// `HEAD` answered as `GET` would be, status and headers alike (`Content-Length` included),
/// without the body (RFC 9110). Routes take `HEAD` through ``RouterMethods/getAndHead(_:use:)``;
/// this middleware drops the body, errors' bodies included.
struct HeadMiddleware: RouterMiddleware {
    typealias Context = EmulatorContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method == .head else { return try await next(request, context) }
        let response = try await ErrorResponses.respond(request, context, next)
        return Response(status: response.status, headers: response.headers, body: ResponseBody())
    }
}

extension RouterMethods {
    /// Registers `handler` for `GET` and `HEAD` alike.
    @discardableResult
    func getAndHead(
        _ path: RouterPath,
        use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        on(path, method: .get, use: handler)
        return on(path, method: .head, use: handler)
    }
}
