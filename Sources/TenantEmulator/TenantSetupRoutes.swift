import Hummingbird

/// The Management API operations that set up and read what acts on a flag: Guardian factors
/// and MFA policies, Actions, trigger bindings and legacy Rules, each behind its scope as on
/// Auth0 (`read:guardian_factors`, `update:guardian_factors`, `read:mfa_policies`,
/// `update:mfa_policies`, `read:actions`, `create:actions`, `update:actions`, `read:rules`,
/// `create:rules`).
enum TenantSetupRoutes {
    /// Every operation served here, as Auth0's spec names its paths (under `/api/v2`).
    static let operations: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/guardian/factors"),
        (.put, "/guardian/factors/{name}"),
        (.get, "/guardian/policies"),
        (.put, "/guardian/policies"),
        (.get, "/actions/actions"),
        (.post, "/actions/actions"),
        (.get, "/actions/actions/{id}"),
        (.patch, "/actions/actions/{id}"),
        (.post, "/actions/actions/{id}/deploy"),
        (.get, "/actions/triggers/{triggerId}/bindings"),
        (.patch, "/actions/triggers/{triggerId}/bindings"),
        (.get, "/rules"),
        (.post, "/rules"),
    ]

    /// The triggers an Action may name (`supported_triggers[].id`, `{triggerId}`).
    static let triggers: Set<String> = [
        "post-login", "credentials-exchange", "pre-user-registration", "post-user-registration",
        "post-change-password", "send-phone-message", "password-reset-post-challenge",
    ]

    static func add(to router: Router<EmulatorContext>, tenant: Tenant) {
        let api = router.group("/api/v2")
        let setup = tenant.setup

        api.getAndHead("/guardian/factors") { request, _ in
            _ = try await tenant.authorize(request, anyOf: ["read:guardian_factors"])
            return Response.json(await setup.with { $0.factorList() })
        }

        api.put("/guardian/factors/:name") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["update:guardian_factors"])
            let name = try request.decodedParameter("name", context: context)
            guard TenantSetupConfiguration.factorNames.contains(name) else {
                throw Auth0ErrorBody.badRequest(
                    "Path validation error: 'No enum match for: \"\(name)\"' on property name (Factor name).",
                    errorCode: "invalid_uri")
            }
            var request = request
            let body = try await request.jsonBody()
            guard case .object(let members) = body else { throw Self.typeError("object", body, property: nil) }
            try Self.onlyProperties(["enabled"], in: members)
            guard let enabledValue = members["enabled"] else {
                throw Auth0ErrorBody.badRequest("Payload validation error: 'Missing required property: enabled'.")
            }
            guard case .bool(let enabled) = enabledValue else {
                throw Self.typeError("boolean", enabledValue, property: "enabled")
            }
            await setup.with { $0.setFactor(name, enabled: enabled) }
            return Response.json(["enabled": .bool(enabled)])
        }

        api.getAndHead("/guardian/policies") { request, _ in
            _ = try await tenant.authorize(request, anyOf: ["read:mfa_policies"])
            return Response.json(.array(await setup.with { $0.policies }.map(JSONValue.string)))
        }

        api.put("/guardian/policies") { request, _ in
            _ = try await tenant.authorize(request, anyOf: ["update:mfa_policies"])
            var request = request
            let body = try await request.jsonBody()
            guard case .array(let items) = body else { throw Self.typeError("array", body, property: nil) }
            var names: [String] = []
            for item in items {
                guard let name = item.stringValue, TenantSetupConfiguration.policyNames.contains(name) else {
                    throw Auth0ErrorBody.badRequest(
                        "Payload validation error: 'No enum match for: \(item.encodedText)'.")
                }
                names.append(name)
            }
            let stored = names
            await setup.with { $0.setPolicies(stored) }
            return Response.json(.array(names.map(JSONValue.string)))
        }

        api.getAndHead("/actions/actions") { request, _ in
            _ = try await tenant.authorize(request, anyOf: ["read:actions"])
            let query = request.uri.queryParameters
            var actions = await setup.with { $0.allActions() }
            if let trigger = query["triggerId"].map(String.init) {
                actions = actions.filter { Self.supports($0, trigger: trigger) }
            }
            if let name = query["actionName"].map(String.init) {
                actions = actions.filter { $0["name"]?.stringValue == name }
            }
            if let deployed = query["deployed"].map(String.init) {
                actions = actions.filter { ($0["deployed_version"] != nil) == (deployed == "true") }
            }
            let (page, perPage) = Self.paging(request)
            let slice = Array(actions.dropFirst(page * perPage).prefix(perPage))
            return Response.json([
                "actions": .array(slice), "total": .int(actions.count), "page": .int(page), "per_page": .int(perPage),
            ])
        }

        api.post("/actions/actions") { request, _ in
            _ = try await tenant.authorize(request, anyOf: ["create:actions"])
            var request = request
            let body = try await request.jsonBody()
            guard case .object(let members) = body else { throw Self.typeError("object", body, property: nil) }
            try Self.onlyProperties(
                ["name", "supported_triggers", "code", "runtime", "dependencies", "secrets", "modules", "deploy"],
                in: members)
            for required in ["name", "supported_triggers"] where members[required] == nil {
                throw Auth0ErrorBody.badRequest("Payload validation error: 'Missing required property: \(required)'.")
            }
            let name = try Self.string(members["name"], property: "name")
            let triggers = try Self.triggerList(members["supported_triggers"])
            let code = try members["code"].map { try Self.string($0, property: "code") } ?? ""
            let runtime = try members["runtime"].map { try Self.string($0, property: "runtime") } ?? "node22"
            if await setup.with({ $0.allActions().contains { $0["name"]?.stringValue == name } }) {
                throw Auth0ErrorBody(
                    status: .conflict, message: "An action with the name '\(name)' already exists.",
                    errorCode: "action_conflict")
            }
            var deploy = false
            if let value = members["deploy"] {
                guard case .bool(let flag) = value else { throw Self.typeError("boolean", value, property: "deploy") }
                deploy = flag
            }
            let deployNow = deploy
            let action = await setup.with { state -> JSONValue in
                let created = state.createAction(name: name, code: code, runtime: runtime, triggers: triggers)
                guard deployNow, let id = created["id"]?.stringValue else { return created }
                _ = state.deploy(id: id)
                return state.action(id: id) ?? created
            }
            return Response.json(action, status: .created)
        }

        api.getAndHead("/actions/actions/:id") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:actions"])
            let id = try request.decodedParameter("id", context: context)
            guard let action = await setup.with({ $0.action(id: id) }) else { throw Self.actionNotFound }
            return Response.json(action)
        }

        api.patch("/actions/actions/:id") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["update:actions"])
            let id = try request.decodedParameter("id", context: context)
            var request = request
            let body = try await request.jsonBody()
            guard case .object(var members) = body else { throw Self.typeError("object", body, property: nil) }
            try Self.onlyProperties(
                ["name", "supported_triggers", "code", "runtime", "dependencies", "secrets", "modules"], in: members)
            guard !members.isEmpty else {
                throw Auth0ErrorBody.badRequest(
                    "Payload validation error: 'Too few properties defined (0), must be at least 1.'.")
            }
            for key in ["name", "code", "runtime"] {
                if let value = members[key] { _ = try Self.string(value, property: key) }
            }
            if let triggers = members["supported_triggers"] {
                members["supported_triggers"] = .array(try Self.triggerList(triggers))
            }
            let update = members
            guard let action = await setup.with({ $0.updateAction(id: id, with: update) }) else {
                throw Self.actionNotFound
            }
            return Response.json(action)
        }

        api.post("/actions/actions/:id/deploy") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["create:actions"])
            let id = try request.decodedParameter("id", context: context)
            guard let version = await setup.with({ $0.deploy(id: id) }) else { throw Self.actionNotFound }
            return Response.json(version, status: .accepted)
        }

        api.getAndHead("/actions/triggers/:triggerId/bindings") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["read:actions"])
            let trigger = try Self.trigger(request, context: context)
            let bindings = await setup.with { $0.bindingList(trigger: trigger) }
            let (page, perPage) = Self.paging(request)
            return Response.json([
                "bindings": .array(Array(bindings.dropFirst(page * perPage).prefix(perPage))),
                "total": .int(bindings.count), "page": .int(page), "per_page": .int(perPage),
            ])
        }

        api.patch("/actions/triggers/:triggerId/bindings") { request, context in
            _ = try await tenant.authorize(request, anyOf: ["update:actions"])
            let trigger = try Self.trigger(request, context: context)
            var request = request
            let body = try await request.jsonBody()
            guard case .object(let members) = body else { throw Self.typeError("object", body, property: nil) }
            try Self.onlyProperties(["bindings"], in: members)
            guard case .array(let items) = members["bindings"] ?? .array([]) else {
                throw Self.typeError("array", members["bindings"] ?? .null, property: "bindings")
            }
            var refs: [(type: String, value: String, displayName: String?)] = []
            for item in items {
                guard let ref = item["ref"]?.objectValue, let type = ref["type"]?.stringValue,
                    ["action_id", "action_name"].contains(type), let value = ref["value"]?.stringValue
                else {
                    throw Auth0ErrorBody.badRequest(
                        "Payload validation error: 'Every binding needs ref {type: action_id|action_name, value}'.")
                }
                refs.append((type, value, item["display_name"]?.stringValue))
            }
            let requested = refs
            let result = await setup.with { state -> Result<[JSONValue], TenantSetupState.BindingRefusal> in
                do throws(TenantSetupState.BindingRefusal) {
                    return .success(try state.replaceBindings(trigger: trigger, with: requested))
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .success(let bindings):
                return Response.json(["bindings": .array(bindings)])
            case .failure(.unknownAction(let ref)):
                throw Auth0ErrorBody(
                    status: .notFound, message: "The action \(ref) does not exist.", errorCode: "action_not_found")
            case .failure(.notDeployed(let ref)):
                throw Auth0ErrorBody.badRequest("The action \(ref) has not been deployed.")
            case .failure(.triggerNotSupported(let ref)):
                throw Auth0ErrorBody.badRequest("The action \(ref) does not support the trigger \(trigger).")
            }
        }

        api.getAndHead("/rules") { request, _ in
            _ = try await tenant.authorize(request, anyOf: ["read:rules"])
            var rules = await setup.with { $0.allRules() }
            if let enabled = request.uri.queryParameters["enabled"].map(String.init) {
                rules = rules.filter { $0["enabled"]?.boolValue == (enabled == "true") }
            }
            return Response.json(.array(rules))
        }

        api.post("/rules") { request, _ in
            _ = try await tenant.authorize(request, anyOf: ["create:rules"])
            var request = request
            let body = try await request.jsonBody()
            guard case .object(let members) = body else { throw Self.typeError("object", body, property: nil) }
            try Self.onlyProperties(["name", "script", "order", "enabled"], in: members)
            for required in ["name", "script"] where members[required] == nil {
                throw Auth0ErrorBody.badRequest("Payload validation error: 'Missing required property: \(required)'.")
            }
            let name = try Self.string(members["name"], property: "name")
            let script = try Self.string(members["script"], property: "script")
            var enabled = true
            if let value = members["enabled"] {
                guard case .bool(let flag) = value else { throw Self.typeError("boolean", value, property: "enabled") }
                enabled = flag
            }
            var order: Int?
            if let value = members["order"] {
                guard case .int(let number) = value else { throw Self.typeError("number", value, property: "order") }
                order = number
            }
            let chosenOrder = order
            let enabledRule = enabled
            let rule = await setup.with {
                $0.createRule(name: name, script: script, enabled: enabledRule, order: chosenOrder)
            }
            return Response.json(rule, status: .created)
        }
    }

    /// `page` (from 0) and `per_page` (1 to 100, default 20 as Auth0's spec says).
    private static func paging(_ request: Request) -> (page: Int, perPage: Int) {
        let query = request.uri.queryParameters
        let perPage = query["per_page"].flatMap { Int(String($0)) }.map { min(max($0, 1), 100) } ?? 20
        let page = query["page"].flatMap { Int(String($0)) }.map { max($0, 0) } ?? 0
        return (page, perPage)
    }

    static let actionNotFound = Auth0ErrorBody(
        status: .notFound, message: "The action does not exist.", errorCode: "action_not_found")

    private static func trigger(_ request: Request, context: EmulatorContext) throws -> String {
        let trigger = try request.decodedParameter("triggerId", context: context)
        guard triggers.contains(trigger) else {
            throw Auth0ErrorBody(
                status: .notFound, message: "The trigger \(trigger) does not exist.", errorCode: "trigger_not_found")
        }
        return trigger
    }

    private static func supports(_ action: JSONValue, trigger: String) -> Bool {
        guard case .array(let items) = action["supported_triggers"] ?? .null else { return false }
        return items.contains { $0["id"]?.stringValue == trigger }
    }

    private static func onlyProperties(_ allowed: Set<String>, in members: [String: JSONValue]) throws {
        if let extra = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Auth0ErrorBody.badRequest("Payload validation error: 'Additional properties not allowed: \(extra)'.")
        }
    }

    private static func string(_ value: JSONValue?, property: String) throws -> String {
        guard let value, case .string(let text) = value else {
            throw typeError("string", value ?? .null, property: property)
        }
        return text
    }

    private static func triggerList(_ value: JSONValue?) throws -> [JSONValue] {
        guard let value, case .array(let items) = value else {
            throw typeError("array", value ?? .null, property: "supported_triggers")
        }
        return try items.map { item in
            guard let id = item["id"]?.stringValue, triggers.contains(id) else {
                throw Auth0ErrorBody.badRequest(
                    "Payload validation error: 'supported_triggers: unknown trigger \((item["id"] ?? .null).encodedText)'."
                )
            }
            return ["id": .string(id), "version": item["version"] ?? "v3"]
        }
    }

    private static func typeError(_ expected: String, _ value: JSONValue, property: String?) -> Auth0ErrorBody {
        let found: String
        switch value {
        case .null: found = "null"
        case .bool: found = "boolean"
        case .int: found = "integer"
        case .double: found = "number"
        case .string: found = "string"
        case .array: found = "array"
        case .object: found = "object"
        }
        let on = property.map { " on property \($0)" } ?? ""
        return .badRequest("Payload validation error: 'Expected type \(expected) but found type \(found)'\(on).")
    }
}
