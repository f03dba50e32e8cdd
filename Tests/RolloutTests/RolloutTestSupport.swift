import Foundation
import MFARollout
import TenantEmulator
import TestSupport

/// Plans, processes and emulator helpers shared by the emit and reconcile tests.
enum TestPlans {
    static let createdAt = Date(timeIntervalSince1970: 1_795_000_000)
    static let flag = Plan.FlagTarget(container: "app_metadata", key: "use_mfa", column: "app_metadata.use_mfa")

    /// The ids that break naive encoders: several pipes and an `@`, a slash, shell metacharacters.
    static let trickyIDs = ["samlp|conn|a@b.com", "auth0|a/b", "auth0|it's \"quoted\" $x"]

    static func operation(_ userID: String, _ action: PlanAction = .enable, current: FlagValue = .absent)
        -> PlanOperation
    {
        PlanOperation(
            id: OperationID.make(flagLocation: flag.location, userID: userID, action: action),
            userID: userID, action: action, current: current, reason: "rule test", email: nil, connection: nil,
            file: "export.csv", line: 2)
    }

    static func plan(_ operations: [PlanOperation], guards: [GuardCheck] = []) -> Plan {
        var summary = PlanSummary()
        summary.rows = operations.count
        summary.enable = operations.filter { $0.action == .enable }.count
        summary.disable = operations.count - summary.enable
        return Plan(
            producer: .init(createdAt: createdAt, asOf: createdAt), inputs: [], flag: flag, mode: .enforce,
            summary: summary, guards: guards, operations: operations, rejected: [])
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mfa-rollout-tests-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// An emulator on a free port with `users`.
func withTestEmulator<T: Sendable>(
    users: [User], _ configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: @Sendable (RunningEmulator) async throws -> T
) async throws -> T {
    var configuration = EmulatorConfiguration()
    configuration.port = 0
    configuration.seed = .users(users)
    configure(&configuration)
    return try await EmulatorServer.withRunning(configuration: configuration, body)
}

/// A user for the emulator with the flag set to `mfa` (nil: absent).
func emulatorUser(_ id: String, email: String, mfa: Bool?, extra: [String: TenantEmulator.JSONValue] = [:]) -> User {
    var fields: [String: TenantEmulator.JSONValue] = [
        "user_id": .string(id), "email": .string(email),
        "created_at": "2025-01-02T03:04:05.000Z", "updated_at": "2025-01-02T03:04:05.000Z",
        "identities": [["connection": "Username-Password-Authentication", "provider": "auth0"]],
    ]
    fields["app_metadata"] = mfa.map { .object(["use_mfa": .bool($0)]) } ?? .object([:])
    for (key, value) in extra { fields[key] = value }
    return User(fields: fields)
}
