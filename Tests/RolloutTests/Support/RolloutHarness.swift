import Foundation
import Logging
import MFARollout
import ManagementAPI
import Rollout
import TenantEmulator

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

typealias EmulatorJSON = TenantEmulator.JSONValue

/// Users, plans and an in-process emulator for apply tests.
enum Fixture {
    static let flagLocation = "app_metadata.use_mfa"
    /// The tenant fixture plans are made for. The engine knows the tenant only from the
    /// journal; tying it to `--domain` is the command's part (see the CLI tests).
    static let tenant = "tenant.test"

    /// Ids as Auth0 has them: pipes, an email, a slash.
    static func userID(_ index: Int) -> String {
        switch index % 3 {
        case 0: "auth0|\(String(format: "%024x", index))"
        case 1: "samlp|okta|user\(index)@example.com"
        default: "oidc|corp/okta|\(index)"
        }
    }

    /// An emulator user whose flag is `flag` (absent: no key), with other metadata that must survive.
    static func user(_ id: String, _ flag: FlagValue) -> User {
        var metadata: [String: EmulatorJSON] = ["team": "core", "roles": ["admin"]]
        switch flag {
        case .on: metadata["use_mfa"] = true
        case .off: metadata["use_mfa"] = false
        case .absent: break
        case .other: metadata["use_mfa"] = "true"
        }
        return User(fields: [
            "user_id": .string(id), "email": .string("\(id.split(separator: "|").last ?? "")@x.test"),
            "updated_at": "2025-01-01T00:00:00.000Z", "app_metadata": .object(metadata),
        ])
    }

    static func operation(_ userID: String, _ action: PlanAction, current: FlagValue) -> PlanOperation {
        PlanOperation(
            id: OperationID.make(flagLocation: flagLocation, userID: userID, action: action), userID: userID,
            action: action, current: current, reason: "rule test", email: nil, connection: nil, file: "test.csv",
            line: 1)
    }

    static func plan(
        _ operations: [PlanOperation], createdAt: Date = Date(), guards: [GuardCheck] = [],
        tenant: String? = Fixture.tenant
    ) -> Plan {
        var summary = PlanSummary()
        summary.rows = operations.count
        summary.enable = operations.count { $0.action == .enable }
        summary.disable = operations.count { $0.action != .enable }
        return Plan(
            producer: .init(createdAt: createdAt, asOf: createdAt), tenant: tenant, inputs: [],
            flag: .init(container: "app_metadata", key: "use_mfa", column: "use_mfa"), mode: .enforce,
            summary: summary, guards: guards, operations: operations, rejected: [])
    }

    /// `count` users without the flag, and the plan that enables it for all of them.
    static func enableAll(_ count: Int, from start: Int = 0) -> (users: [User], plan: Plan) {
        let ids = (start..<(start + count)).map(userID)
        return (ids.map { user($0, .absent) }, plan(ids.map { operation($0, .enable, current: .absent) }))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fast retry policy so fault tests finish in seconds.
    static let fastRetries = RetryPolicy(
        maxAttempts: 10, baseDelay: .milliseconds(5), maxDelay: .milliseconds(100), maxServerWait: .seconds(2))
}

/// A running emulator and what an apply against it needs.
struct TestTenant: Sendable {
    let emulator: RunningEmulator
    let directory: URL

    var store: TenantStore { emulator.store }

    func settings(
        limits: RateLimit = RateLimit(rate: 1000, burst: 100), concurrency: Int = 8,
        credentials: ManagementCredentials = .clientCredentials(
            clientID: "emulator-client", secret: ClientSecret("emulator-secret")),
        retryPolicy: RetryPolicy = Fixture.fastRetries
    ) -> ConnectionSettings {
        ConnectionSettings(
            domain: "127.0.0.1:\(emulator.port)", allowInsecureHTTP: true, credentials: credentials,
            limits: .custom(limits), concurrency: concurrency, retryPolicy: retryPolicy, requestTimeout: .seconds(10))
    }

    func journalPath(_ name: String = "plan") -> String {
        directory.appendingPathComponent("\(name).json.journal.sqlite").path
    }

    /// Applies `plan`, approved by its own fingerprint unless `options` name one; `during`
    /// runs beside the engine (to stop it, advance clocks, …).
    func apply(
        _ plan: Plan, options: ApplyOptions = ApplyOptions(), settings: ConnectionSettings? = nil,
        journal name: String = "plan", during: (@Sendable (ApplyEngine) async -> Void)? = nil
    ) async throws -> ApplySummary {
        var options = options
        if options.approvedFingerprint == nil { options.approvedFingerprint = plan.fingerprint }
        // As the command does: refuse before a journal (and its lock) exists.
        let tenant = plan.tenant ?? Fixture.tenant
        try ApplyApproval.check(plan, tenant: tenant, options: options)
        let journal = try ApplyJournal.open(path: journalPath(name), plan: plan, tenant: tenant)
        let settings = settings ?? self.settings(concurrency: options.concurrency)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try await ManagementConnection.with(settings, logger: logger) { connection in
            let engine = ApplyEngine(
                plan: plan, journal: journal, client: connection.client, options: options, logger: logger)
            let side = Task { await during?(engine) }
            // Wait for the side task too: it holds the engine, and so the journal's lock, and a
            // test that applies again right after must find the lock free.
            let result: Result<ApplySummary, any Error>
            do {
                result = .success(try await engine.run())
            } catch {
                result = .failure(error)
            }
            side.cancel()
            await side.value
            return try result.get()
        }
    }

    /// `POST /__emulator/users?mode=patch`: changes users the way someone else would, meanwhile.
    func adminPatch(_ users: [[String: Any]]) async throws {
        var request = URLRequest(url: URL(string: emulator.baseURL + "/__emulator/users?mode=patch")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: users)
        let (_, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw URLError(.badServerResponse) }
    }

    /// PATCH requests from the log, by correlation id (= operation id).
    func patches() async -> [String: [RequestLogEntry]] {
        Dictionary(grouping: await store.requests().filter { $0.method == "PATCH" }, by: { $0.correlationID ?? "" })
    }

    /// The stored flag of `id`: on, off or absent; nil for an unknown user or a non-boolean.
    func flag(_ id: String) async -> FlagValue? {
        guard let user = await store.user(id: id) else { return nil }
        switch user.appMetadata["use_mfa"] {
        case nil: return .absent
        case .bool(true)?: return .on
        case .bool(false)?: return .off
        case .string?: return .other
        default: return nil
        }
    }
}

/// Runs `body` against an emulator on a free port seeded with `users`.
func withTenant<T: Sendable>(
    _ users: [User], _ configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: @Sendable (TestTenant) async throws -> T
) async throws -> T {
    var configuration = EmulatorConfiguration()
    configuration.port = 0
    configuration.seed = .users(users)
    configure(&configuration)
    let directory = try Fixture.temporaryDirectory()
    return try await EmulatorServer.withRunning(configuration: configuration) { running in
        try await body(TestTenant(emulator: running, directory: directory))
    }
}

/// Waits (polling) until `condition` holds; gives up after `limit` so a broken test fails
/// on its expectations instead of hanging.
func waitUntil(_ limit: Duration = .seconds(20), _ condition: @Sendable () async -> Bool) async {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try? await Task.sleep(for: .milliseconds(5))
    }
}
