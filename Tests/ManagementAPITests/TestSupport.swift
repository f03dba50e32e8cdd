import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

@testable import ManagementAPI

/// A virtual clock: sleeping jumps time forward at once, so tests never wait.
final class FakeClock: APIClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Duration = .seconds(1000)
    private var slept: Duration = .zero
    private var sleeps = 0

    var now: Duration {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Total time jumped by sleeping.
    var totalSlept: Duration {
        lock.lock()
        defer { lock.unlock() }
        return slept
    }

    var sleepCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return sleeps
    }

    func advance(by duration: Duration) {
        lock.lock()
        current += duration
        lock.unlock()
    }

    func sleep(until deadline: Duration) async throws {
        try Task.checkCancellation()
        lock.withLock {
            sleeps += 1
            if deadline > current {
                slept += deadline - current
                current = deadline
            }
        }
        await Task.yield()
    }
}

/// Collects every log line with its metadata.
final class LogStore: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    var text: String { all.joined(separator: "\n") }

    func logger() -> Logger {
        var logger = Logger(label: "test") { label in CapturingLogHandler(store: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        store.append("\(event.level) \(event.message) \(rendered)")
    }
}

/// What a test server received.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: String

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

actor RequestLog {
    private(set) var requests: [RecordedRequest] = []

    func append(_ request: RecordedRequest) { requests.append(request) }

    func matching(_ method: String, prefix: String) -> [RecordedRequest] {
        requests.filter { $0.method == method && $0.path.hasPrefix(prefix) }
    }

    var count: Int { requests.count }
}

/// A canned answer.
struct Canned: Sendable {
    var status: HTTPResponse.Status
    var headers: [String: String] = [:]
    var body: String

    static func json(_ body: String, status: HTTPResponse.Status = .ok, headers: [String: String] = [:]) -> Canned {
        Canned(status: status, headers: headers, body: body)
    }

    func response() -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers {
            fields[HTTPField.Name(name)!] = value
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// A scripted handler: answers from `script` in order, repeating the last entry.
actor Script {
    private var answers: [Canned]
    private(set) var served = 0

    init(_ answers: [Canned]) { self.answers = answers }

    func next() -> Canned {
        served += 1
        return answers.count > 1 ? answers.removeFirst() : answers[0]
    }
}

enum TestServer {
    /// Runs a Hummingbird server on 127.0.0.1 with an ephemeral port, records every request
    /// into `log`, runs `body` with the port, then stops the server.
    static func with<T: Sendable>(
        log: RequestLog,
        routes: (Router<BasicRequestContext>) -> Void,
        _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        routes(router)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var serverLogger = Logger(label: "test-server")
        serverLogger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: serverLogger
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw TestFailure("the test server did not start")
            }
            do {
                let result = try await body(port)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct RecordingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let log: RequestLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        await log.append(
            RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, headers: headers,
                body: String(buffer: body)))
        return try await next(request, context)
    }
}

/// Builds a client against a local server at `port`.
struct Harness {
    let port: Int
    let clock = FakeClock()
    let logs = LogStore()
    let httpClient: HTTPClient

    static let clientID = "test-client-id"
    static let secret = "s3cr3t-VALUE-never-print"

    init(port: Int, connectTimeout: Duration = .seconds(10)) {
        self.port = port
        self.httpClient = ManagementClient.makeHTTPClient(maxConnectionsPerHost: 8, connectTimeout: connectTimeout)
    }

    var endpoint: ManagementEndpoint {
        try! ManagementEndpoint(domain: "127.0.0.1:\(port)", allowInsecureHTTP: true)
    }

    func tokens(credentials: ManagementCredentials? = nil) -> TokenProvider {
        TokenProvider(
            credentials: credentials ?? .clientCredentials(clientID: Self.clientID, secret: ClientSecret(Self.secret)),
            endpoint: endpoint, httpClient: httpClient, clock: clock, retryPolicy: .none, logger: logs.logger())
    }

    func client(
        tokens: TokenProvider? = nil, rateLimiter: RateLimiter? = nil, retryPolicy: RetryPolicy = .none,
        observer: AttemptObserver? = nil
    ) -> ManagementClient {
        ManagementClient(
            endpoint: endpoint, tokens: tokens ?? self.tokens(), httpClient: httpClient, rateLimiter: rateLimiter,
            retryPolicy: retryPolicy, clock: clock, logger: logs.logger(), observer: observer)
    }

    func shutdown() async throws {
        try await httpClient.shutdown()
    }
}

/// Parses `a=b&c=d` (form encoding).
func formFields(_ body: String) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in body.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
        let key = parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? parts[0]
        let value =
            (parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
        fields[key] = value
    }
    return fields
}

/// Collects attempt reports.
actor AttemptLog {
    private(set) var reports: [AttemptReport] = []
    func append(_ report: AttemptReport) { reports.append(report) }
}

/// Adds a token endpoint issuing `tok-1`, `tok-2`, ... to a router.
actor TokenIssuer {
    private(set) var issued = 0
    func next() -> String {
        issued += 1
        return "tok-\(issued)"
    }
}

func addTokenRoute(_ router: Router<BasicRequestContext>, issuer: TokenIssuer, expiresIn: Int = 86400) {
    router.post("/oauth/token") { _, _ -> Response in
        let token = await issuer.next()
        return Canned.json(
            #"{"access_token":"\#(token)","expires_in":\#(expiresIn),"scope":"read:users update:users_app_metadata","token_type":"Bearer"}"#
        ).response()
    }
}
