import Foundation

/// The emulated tenant's MFA factors, MFA policy, Actions with their post-login (and other)
/// bindings, and legacy Rules, shared by the routes (``TenantSetupState`` holds the values).
actor TenantSetup {
    private var state: TenantSetupState

    init(configuration: TenantSetupConfiguration, clock: any EmulatorClock) {
        state = TenantSetupState(configuration: configuration, clock: clock)
    }

    /// Runs `body` on the state, alone.
    func with<T: Sendable>(_ body: @Sendable (inout TenantSetupState) throws -> T) rethrows -> T {
        try body(&state)
    }
}

/// What decides whether a flag on a user leads to an MFA prompt: factors, MFA policy, Actions
/// with their bindings, and legacy Rules.
struct TenantSetupState: Sendable {
    /// One binding of a trigger, in execution order.
    struct Binding: Sendable {
        var id: String
        var actionID: String
        var displayName: String
        var createdAt: String
    }

    /// Why a binding request was refused.
    enum BindingRefusal: Error {
        case unknownAction(String)
        case notDeployed(String)
        case triggerNotSupported(String)
    }

    private var factors: [String: Bool]
    var policies: [String]
    private var actionOrder: [String] = []
    private var actions: [String: JSONValue] = [:]
    private var bindings: [String: [Binding]] = [:]
    private var rules: [JSONValue] = []
    private let clock: any EmulatorClock

    init(configuration: TenantSetupConfiguration, clock: any EmulatorClock) {
        self.clock = clock
        factors = configuration.factors
        policies = configuration.policies
        for seed in configuration.actions {
            let action = createAction(
                name: seed.name, code: seed.code, runtime: seed.runtime,
                triggers: seed.triggers.map { ["id": .string($0), "version": "v3"] })
            guard let id = action["id"]?.stringValue else { continue }
            if seed.deployed { _ = deploy(id: id) }
            if seed.bound, let trigger = seed.triggers.first {
                bindings[trigger, default: []].append(
                    Binding(
                        id: UUID().uuidString.lowercased(), actionID: id, displayName: seed.name,
                        createdAt: clock.timestamp()))
            }
        }
        for seed in configuration.rules {
            _ = createRule(name: seed.name, script: seed.script, enabled: seed.enabled, order: nil)
        }
    }

    // MARK: Guardian

    /// `GET /api/v2/guardian/factors`.
    func factorList() -> JSONValue {
        .array(
            TenantSetupConfiguration.factorNames.map {
                ["name": .string($0), "enabled": .bool(factors[$0] ?? false), "trial_expired": false]
            })
    }

    /// `PUT /api/v2/guardian/factors/{name}`.
    mutating func setFactor(_ name: String, enabled: Bool) { factors[name] = enabled }

    /// `PUT /api/v2/guardian/policies`.
    mutating func setPolicies(_ names: [String]) { policies = names }

    // MARK: Actions

    /// Every Action, oldest first.
    func allActions() -> [JSONValue] { actionOrder.compactMap { actions[$0] } }

    func action(id: String) -> JSONValue? { actions[id] }

    /// `POST /api/v2/actions/actions`: a new, undeployed Action.
    mutating func createAction(name: String, code: String, runtime: String, triggers: [JSONValue]) -> JSONValue {
        let now = clock.timestamp()
        let id = UUID().uuidString.lowercased()
        let action: JSONValue = [
            "id": .string(id), "name": .string(name), "code": .string(code), "runtime": .string(runtime),
            "supported_triggers": .array(triggers), "dependencies": [], "secrets": [], "status": "built",
            "all_changes_deployed": false, "installed_integration_id": .null, "created_at": .string(now),
            "updated_at": .string(now),
        ]
        actions[id] = action
        actionOrder.append(id)
        return action
    }

    /// `PATCH /api/v2/actions/actions/{id}`: replaces the members given; nil for an unknown id.
    mutating func updateAction(id: String, with members: [String: JSONValue]) -> JSONValue? {
        guard case .object(var fields) = actions[id] else { return nil }
        for (key, value) in members { fields[key] = value }
        fields["all_changes_deployed"] = false
        fields["updated_at"] = .string(clock.timestamp())
        actions[id] = .object(fields)
        return .object(fields)
    }

    /// `POST /api/v2/actions/actions/{id}/deploy`: the current code becomes the deployed
    /// version; answers that version, nil for an unknown id.
    mutating func deploy(id: String) -> JSONValue? {
        guard case .object(var fields) = actions[id] else { return nil }
        let number = (fields["deployed_version"]?["number"]).flatMap { value -> Int? in
            if case .int(let n) = value { return n }
            return nil
        }
        let now = clock.timestamp()
        let version: JSONValue = [
            "id": .string(UUID().uuidString.lowercased()), "action_id": .string(id), "code": fields["code"] ?? "",
            "runtime": fields["runtime"] ?? "node22", "dependencies": fields["dependencies"] ?? [],
            "secrets": fields["secrets"] ?? [], "supported_triggers": fields["supported_triggers"] ?? [],
            "number": .int((number ?? 0) + 1), "deployed": true, "status": "built", "created_at": .string(now),
            "updated_at": .string(now),
        ]
        fields["deployed_version"] = version
        fields["all_changes_deployed"] = true
        actions[id] = .object(fields)
        return version
    }

    /// The bindings of `trigger` as Auth0 answers them, each with its Action embedded.
    func bindingList(trigger: String) -> [JSONValue] {
        (bindings[trigger] ?? []).map { binding in
            [
                "id": .string(binding.id), "trigger_id": .string(trigger), "display_name": .string(binding.displayName),
                "action": actions[binding.actionID] ?? .null, "created_at": .string(binding.createdAt),
                "updated_at": .string(binding.createdAt),
            ]
        }
    }

    /// `PATCH /api/v2/actions/triggers/{triggerId}/bindings`: replaces the whole list. A ref is
    /// `(type, value)` with type `action_id` or `action_name`; the Action must support the
    /// trigger and be deployed.
    mutating func replaceBindings(
        trigger: String, with refs: [(type: String, value: String, displayName: String?)]
    ) throws(BindingRefusal) -> [JSONValue] {
        var replaced: [Binding] = []
        for ref in refs {
            let found: JSONValue? =
                ref.type == "action_id"
                ? actions[ref.value] : allActions().first { $0["name"]?.stringValue == ref.value }
            guard let action = found, let id = action["id"]?.stringValue else {
                throw .unknownAction(ref.value)
            }
            let triggers = action["supported_triggers"].flatMap { value -> [JSONValue]? in
                if case .array(let items) = value { return items }
                return nil
            }
            guard triggers?.contains(where: { $0["id"]?.stringValue == trigger }) == true else {
                throw .triggerNotSupported(ref.value)
            }
            guard action["deployed_version"] != nil else { throw .notDeployed(ref.value) }
            let existing = bindings[trigger]?.first { $0.actionID == id }
            replaced.append(
                Binding(
                    id: existing?.id ?? UUID().uuidString.lowercased(), actionID: id,
                    displayName: ref.displayName ?? action["name"]?.stringValue ?? "",
                    createdAt: existing?.createdAt ?? clock.timestamp()))
        }
        bindings[trigger] = replaced
        return bindingList(trigger: trigger)
    }

    // MARK: Rules

    /// Every Rule, by `order`.
    func allRules() -> [JSONValue] { rules }

    /// `POST /api/v2/rules`.
    mutating func createRule(name: String, script: String, enabled: Bool, order: Int?) -> JSONValue {
        let nextOrder =
            rules.compactMap { rule -> Int? in
                if case .int(let n) = rule["order"] { return n }
                return nil
            }.max().map { $0 + 1 } ?? 1
        let rule: JSONValue = [
            "id": .string("rul_" + RandomToken.alphanumeric(16)), "name": .string(name), "script": .string(script),
            "enabled": .bool(enabled), "order": .int(order ?? nextOrder), "stage": "login_success",
        ]
        rules.append(rule)
        return rule
    }
}
