import Hummingbird
import NIOCore

/// Injects the configured faults into Management API requests (`/api/v2/…`): latency, 5xx
/// answers, connections closed before answering, and PATCHes applied and then left unanswered.
/// It only marks a request as dropped; ``RequestLogMiddleware`` logs it, then closes the
/// connection, so the log is complete by the time the client sees the close.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = EmulatorContext

    let faults: FaultInjection

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.uri.path.hasPrefix("/api/v2/") else { return try await next(request, context) }
        let latency = await faults.latencyMilliseconds
        if latency > 0 { try await Task.sleep(for: .milliseconds(latency)) }
        switch await faults.draw(isPatch: request.method == .patch) {
        case .none:
            return try await next(request, context)
        case .fail(let status):
            let status = HTTPResponse.Status(code: status)
            return Response.json(
                Auth0ErrorBody(status: status, message: "Injected fault (emulator).", errorCode: "emulator_fault").json,
                status: status
            )
        case .drop:
            context.notes.unanswered = true
            context.notes.dropped = true
            return Response(status: .ok)
        case .dropAfterWrite:
            let response = try await ErrorResponses.respond(request, context, next)
            context.notes.dropped = true
            return response
        }
    }
}
