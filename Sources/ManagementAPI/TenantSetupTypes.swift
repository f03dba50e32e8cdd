/// One Guardian factor as `GET /api/v2/guardian/factors` lists it.
package struct GuardianFactor: Sendable, Equatable, Decodable {
    /// `otp`, `sms`, `push-notification`, `email`, `duo`, `webauthn-roaming`, …
    package var name: String
    package var enabled: Bool

    package init(name: String, enabled: Bool) {
        self.name = name
        self.enabled = enabled
    }
}

/// An Action as the Actions API answers it; only the members mfa-rollout reads are typed.
package struct ManagementAction: Sendable, Equatable, Decodable {
    package var id: String
    package var name: String
    /// The current (possibly undeployed) code.
    package var code: String?
    /// The code of the deployed version; nil when the Action was never deployed.
    package var deployedCode: String?
    /// `supported_triggers[].id`.
    package var triggers: [String]
    /// Whether the current code is what is deployed.
    package var allChangesDeployed: Bool
    /// Build status: `pending`, `building`, `packaged`, `built`, `retrying`, `failed`.
    package var status: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, name, code, status
        case deployedVersion = "deployed_version"
        case supportedTriggers = "supported_triggers"
        case allChangesDeployed = "all_changes_deployed"
    }

    struct Trigger: Decodable {
        var id: String
    }

    struct Version: Decodable {
        var code: String?
    }

    package init(
        id: String, name: String, code: String?, deployedCode: String?, triggers: [String], allChangesDeployed: Bool
    ) {
        self.id = id
        self.name = name
        self.code = code
        self.deployedCode = deployedCode
        self.triggers = triggers
        self.allChangesDeployed = allChangesDeployed
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        code = try c.decodeIfPresent(String.self, forKey: .code)
        deployedCode = try c.decodeIfPresent(Version.self, forKey: .deployedVersion)?.code
        triggers = try c.decodeIfPresent([Trigger].self, forKey: .supportedTriggers)?.map(\.id) ?? []
        allChangesDeployed = try c.decodeIfPresent(Bool.self, forKey: .allChangesDeployed) ?? false
        status = try c.decodeIfPresent(String.self, forKey: .status)
    }
}

/// One binding of a trigger (`GET /api/v2/actions/triggers/{triggerId}/bindings`), in execution order.
package struct TriggerBinding: Sendable, Equatable, Decodable {
    package var id: String?
    package var displayName: String?
    /// The bound Action as embedded in the answer (its id at least).
    package var action: ManagementAction

    enum CodingKeys: String, CodingKey {
        case id
        case displayName = "display_name"
        case action
    }

    package init(id: String?, displayName: String?, action: ManagementAction) {
        self.id = id
        self.displayName = displayName
        self.action = action
    }
}

/// A legacy Rule (`GET /api/v2/rules`).
package struct ManagementRule: Sendable, Equatable, Decodable {
    package var id: String
    package var name: String
    package var script: String
    package var enabled: Bool
    package var order: Double?

    package init(id: String, name: String, script: String, enabled: Bool, order: Double? = nil) {
        self.id = id
        self.name = name
        self.script = script
        self.enabled = enabled
        self.order = order
    }
}
