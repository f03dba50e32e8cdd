import Foundation
import MFARollout
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Plans over emulator users.
enum Fixture {
    static let flagLocation = "app_metadata.use_mfa"

    /// A plan that enables the flag for every user that does not have it; written to `dir/plan.json`.
    static func writePlan(
        for users: [EmulatedUser], tenant: String, in dir: URL, createdAt: Date = Date()
    ) throws -> (Plan, String) {
        let operations = users.filter { $0.flag != "true" }.map { user in
            PlanOperation(
                id: OperationID.make(flagLocation: flagLocation, userID: user.id, action: .enable), userID: user.id,
                action: .enable, current: FlagValue(rawValue: user.flag) ?? .absent, reason: "rule test", email: nil,
                connection: nil, file: "emulator", line: 1)
        }
        var summary = PlanSummary()
        summary.rows = users.count
        summary.enable = operations.count
        let plan = Plan(
            producer: .init(createdAt: createdAt, asOf: createdAt), tenant: try TenantDomain(tenant).canonical,
            inputs: [],
            flag: .init(container: "app_metadata", key: "use_mfa", column: "use_mfa"), mode: .enableOnly,
            summary: summary, guards: [], operations: operations, rejected: [])
        let path = dir.appendingPathComponent("plan.json").path
        try PlanFile.write(plan, to: path)
        return (plan, path)
    }
}
