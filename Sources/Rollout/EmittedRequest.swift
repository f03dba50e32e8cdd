import ManagementAPI
import MFARollout

/// One plan operation as the exact HTTP request `apply` would send for it.
public struct EmittedRequest: Sendable, Hashable {
    /// Always `PATCH`.
    public var method: String
    /// `/api/v2/users/{id}` with the id percent-encoded as one segment (`|` → `%7C`, `/` → `%2F`).
    public var path: String
    /// The JSON body: only the key the tool owns, `{"app_metadata":{"use_mfa":true}}`.
    public var body: String
    /// The body as a value, for formats that embed it as JSON.
    public var bodyValue: [String: [String: JSONValue]]
    /// Sent as `X-Correlation-ID`: the operation id.
    public var correlationID: String
    public var operationID: String
    public var userID: String
    public var action: PlanAction

    /// Builds the request for `operation`, after checking that it is what the planner makes:
    /// its id derives from the flag, user id and action, and its desired value follows from the
    /// action. (The id becomes a header value and a shell word; it must be exactly `op_` + hex.)
    public init(operation: PlanOperation, index: Int, flag: Plan.FlagTarget) throws(EmitError) {
        guard let container = MetadataContainer(rawValue: flag.container) else {
            throw .invalidFlag(location: flag.location, reason: "the container must be app_metadata or user_metadata")
        }
        let expectedID = OperationID.make(flagLocation: flag.location, userID: operation.userID, action: operation.action)
        guard operation.id == expectedID else {
            throw .invalidOperation(
                index: index, operationID: operation.id,
                reason: "the id does not derive from the flag, user id and action (expected \(expectedID))")
        }
        guard operation.desired == operation.action.desired else {
            throw .invalidOperation(
                index: index, operationID: operation.id,
                reason: "desired value \(operation.desired) does not follow from the action \(operation.action.rawValue)")
        }
        let value: Bool? =
            switch operation.desired {
            case .on: true
            case .off: false
            case .absent: nil
            }
        let patch: FlagPatch
        do {
            patch = try FlagPatch(container: container, key: flag.key, value: value)
        } catch {
            throw .invalidFlag(location: flag.location, reason: "\(error)")
        }
        method = "PATCH"
        path = "/api/v2/users/" + PathEncoding.encodeSegment(operation.userID)
        body = String(decoding: patch.jsonBody(), as: UTF8.self)
        bodyValue = [container.rawValue: [flag.key: patch.jsonValue]]
        correlationID = operation.id
        operationID = operation.id
        userID = operation.userID
        action = operation.action
    }

    /// Every operation of `plan` as a request; refuses a plan whose guards tripped.
    public static func all(in plan: Plan) throws(EmitError) -> [EmittedRequest] {
        guard plan.applicable, plan.outcome != .guardTripped, !plan.guards.contains(where: \.tripped) else {
            throw .planNotApplicable(tripped: plan.guards.filter(\.tripped).map(\.explanation))
        }
        var requests: [EmittedRequest] = []
        requests.reserveCapacity(plan.operations.count)
        for (index, operation) in plan.operations.enumerated() {
            requests.append(try EmittedRequest(operation: operation, index: index, flag: plan.flag))
        }
        return requests
    }
}
