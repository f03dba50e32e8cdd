import Hummingbird

/// Outermost middleware: answers errors in Auth0's shape and logs every request outside the
/// admin surface (`/__emulator/`); closes the connection of requests marked dropped.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = EmulatorContext

    let store: TenantStore
    let clock: any EmulatorClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = Self.loggedPath(request.uri.path)
        let response = try await ErrorResponses.respond(request, context, next)
        if !AdminRoutes.isAdmin(path) {
            let dropped = context.notes.dropped
            await store.record(
                RequestLogEntry(
                    method: request.method.rawValue,
                    path: path,
                    status: context.notes.unanswered ? 0 : response.status.code,
                    time: clock.timestamp(),
                    changed: context.notes.changed,
                    correlationID: request.correlationID,
                    dropped: dropped
                )
            )
        }
        if context.notes.dropped {
            // The response is never written: the client sees the connection close.
            try? await context.channel.close()
        }
        return response
    }

    /// The path as received, except that a download link's token (a credential, like the
    /// signature of Auth0's S3 links) is replaced by `[redacted]`.
    static func loggedPath(_ path: String) -> String {
        guard path.hasPrefix("/__downloads/") else { return path }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 4 {
            for suffix in [".csv.gz", ".json.gz"] where parts[3].hasSuffix(suffix) {
                parts[3] = Substring("[redacted]" + suffix)
            }
        }
        return parts.joined(separator: "/")
    }
}
