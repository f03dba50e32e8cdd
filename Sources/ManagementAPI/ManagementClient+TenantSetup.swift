/// The calls that read (and, for `action --deploy`, write) what acts on the flag: Guardian
/// factors and MFA policies, Actions and their trigger bindings, legacy Rules.
extension ManagementClient {
    /// Bindings asked for per page (Auth0's default page size).
    static let bindingsPageSize = 20

    /// `GET /api/v2/guardian/factors` (`read:guardian_factors`).
    package func getGuardianFactors() async throws(ManagementAPIError) -> [GuardianFactor] {
        let operation = "GET /api/v2/guardian/factors"
        let exchange = try await perform(
            .GET, path: "guardian/factors", operation: operation, correlationID: nil, observer: nil)
        return try decode([GuardianFactor].self, exchange, operation: operation)
    }

    /// `GET /api/v2/guardian/policies` (`read:mfa_policies`): `[]`, `["all-applications"]` or
    /// `["confidence-score"]`.
    package func getMFAPolicies() async throws(ManagementAPIError) -> [String] {
        let operation = "GET /api/v2/guardian/policies"
        let exchange = try await perform(
            .GET, path: "guardian/policies", operation: operation, correlationID: nil, observer: nil)
        return try decode([String].self, exchange, operation: operation)
    }

    /// `GET /api/v2/actions/triggers/{triggerId}/bindings` (`read:actions`), every page, in
    /// execution order.
    package func getTriggerBindings(trigger: String) async throws(ManagementAPIError) -> [TriggerBinding] {
        let operation = "GET /api/v2/actions/triggers/{triggerId}/bindings"
        struct Page: Decodable {
            var bindings: [TriggerBinding]
            var total: Int?
        }
        var all: [TriggerBinding] = []
        var page = 0
        while true {
            let exchange = try await perform(
                .GET,
                path:
                    "actions/triggers/\(PathEncoding.encodeSegment(trigger))/bindings?page=\(page)&per_page=\(Self.bindingsPageSize)",
                operation: operation, correlationID: nil, observer: nil)
            let answer = try decode(Page.self, exchange, operation: operation)
            all += answer.bindings
            if answer.bindings.count < Self.bindingsPageSize || all.count >= (answer.total ?? all.count) { return all }
            page += 1
        }
    }

    /// `GET /api/v2/actions/actions/{id}` (`read:actions`).
    package func getAction(id: String) async throws(ManagementAPIError) -> ManagementAction {
        let operation = "GET /api/v2/actions/actions/{id}"
        let exchange = try await perform(
            .GET, path: "actions/actions/\(PathEncoding.encodeSegment(id))", operation: operation, correlationID: nil,
            observer: nil)
        return try decode(ManagementAction.self, exchange, operation: operation)
    }

    /// `GET /api/v2/actions/actions?actionName=…` (`read:actions`): the Actions with exactly that name.
    package func findActions(named name: String) async throws(ManagementAPIError) -> [ManagementAction] {
        let operation = "GET /api/v2/actions/actions"
        struct Page: Decodable {
            var actions: [ManagementAction]
        }
        let exchange = try await perform(
            .GET, path: "actions/actions?actionName=\(PathEncoding.encodeSegment(name))&per_page=100",
            operation: operation, correlationID: nil, observer: nil)
        return try decode(Page.self, exchange, operation: operation).actions.filter { $0.name == name }
    }

    /// `POST /api/v2/actions/actions` (`create:actions`): a new Action for one trigger.
    package func createAction(
        name: String, code: String, runtime: String, trigger: String, triggerVersion: String
    ) async throws(ManagementAPIError) -> ManagementAction {
        let operation = "POST /api/v2/actions/actions"
        let body: JSONValue = .object([
            "name": .string(name), "code": .string(code), "runtime": .string(runtime),
            "supported_triggers": .array([.object(["id": .string(trigger), "version": .string(triggerVersion)])]),
        ])
        let exchange = try await perform(
            .POST, path: "actions/actions", operation: operation, body: try encode(body), correlationID: nil,
            observer: nil)
        return try decode(ManagementAction.self, exchange, operation: operation)
    }

    /// `PATCH /api/v2/actions/actions/{id}` (`update:actions`): new code and runtime.
    package func updateAction(id: String, code: String, runtime: String) async throws(ManagementAPIError)
        -> ManagementAction
    {
        let operation = "PATCH /api/v2/actions/actions/{id}"
        let body: JSONValue = .object(["code": .string(code), "runtime": .string(runtime)])
        let exchange = try await perform(
            .PATCH, path: "actions/actions/\(PathEncoding.encodeSegment(id))", operation: operation,
            body: try encode(body), correlationID: nil, observer: nil)
        return try decode(ManagementAction.self, exchange, operation: operation)
    }

    /// `POST /api/v2/actions/actions/{id}/deploy` (`create:actions`).
    package func deployAction(id: String) async throws(ManagementAPIError) {
        let operation = "POST /api/v2/actions/actions/{id}/deploy"
        _ = try await perform(
            .POST, path: "actions/actions/\(PathEncoding.encodeSegment(id))/deploy", operation: operation,
            correlationID: nil, observer: nil)
    }

    /// `PATCH /api/v2/actions/triggers/{triggerId}/bindings` (`update:actions`): REPLACES the
    /// trigger's whole list with these Action ids, in this order.
    package func replaceTriggerBindings(trigger: String, actions: [(id: String, displayName: String)])
        async throws(ManagementAPIError) -> [TriggerBinding]
    {
        let operation = "PATCH /api/v2/actions/triggers/{triggerId}/bindings"
        struct Answer: Decodable {
            var bindings: [TriggerBinding]
        }
        let body: JSONValue = .object([
            "bindings": .array(
                actions.map {
                    .object([
                        "ref": .object(["type": .string("action_id"), "value": .string($0.id)]),
                        "display_name": .string($0.displayName),
                    ])
                })
        ])
        let exchange = try await perform(
            .PATCH, path: "actions/triggers/\(PathEncoding.encodeSegment(trigger))/bindings", operation: operation,
            body: try encode(body), correlationID: nil, observer: nil)
        return try decode(Answer.self, exchange, operation: operation).bindings
    }

    /// `GET /api/v2/rules` (`read:rules`): every legacy Rule.
    package func getRules() async throws(ManagementAPIError) -> [ManagementRule] {
        let operation = "GET /api/v2/rules"
        let exchange = try await perform(.GET, path: "rules", operation: operation, correlationID: nil, observer: nil)
        return try decode([ManagementRule].self, exchange, operation: operation)
    }
}
