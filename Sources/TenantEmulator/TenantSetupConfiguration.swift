import Foundation
import MFARollout
import Yams

/// How the emulated tenant is set up beyond its users: which MFA factors are enabled, the MFA
/// policy, the Actions (and which are deployed and bound to post-login) and the legacy Rules.
/// Read from `--tenant-config FILE` (YAML or JSON); see docs/emulator.md for the format.
package struct TenantSetupConfiguration: Sendable, Equatable, Decodable {
    /// One Action to create on start.
    package struct ActionSeed: Sendable, Equatable, Decodable {
        package var name: String
        package var code: String
        package var runtime: String
        /// Triggers it supports; default `[post-login]`.
        package var triggers: [String]
        /// Whether its code is deployed (the deployed version is this code).
        package var deployed: Bool
        /// Whether it is bound to the first of its triggers (in the order given).
        package var bound: Bool

        package init(
            name: String, code: String, runtime: String = "node22", triggers: [String] = ["post-login"],
            deployed: Bool = true, bound: Bool = true
        ) {
            self.name = name
            self.code = code
            self.runtime = runtime
            self.triggers = triggers
            self.deployed = deployed
            self.bound = bound
        }

        enum CodingKeys: String, CodingKey { case name, code, runtime, triggers, deployed, bound }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                name: try c.decode(String.self, forKey: .name), code: try c.decode(String.self, forKey: .code),
                runtime: try c.decodeIfPresent(String.self, forKey: .runtime) ?? "node22",
                triggers: try c.decodeIfPresent([String].self, forKey: .triggers) ?? ["post-login"],
                deployed: try c.decodeIfPresent(Bool.self, forKey: .deployed) ?? true,
                bound: try c.decodeIfPresent(Bool.self, forKey: .bound) ?? true)
        }
    }

    /// One legacy Rule to create on start.
    package struct RuleSeed: Sendable, Equatable, Decodable {
        package var name: String
        package var script: String
        package var enabled: Bool

        package init(name: String, script: String, enabled: Bool = true) {
            self.name = name
            self.script = script
            self.enabled = enabled
        }

        enum CodingKeys: String, CodingKey { case name, script, enabled }

        package init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                name: try c.decode(String.self, forKey: .name), script: try c.decode(String.self, forKey: .script),
                enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true)
        }
    }

    /// What went wrong reading a tenant configuration file.
    package struct LoadError: Error, CustomStringConvertible {
        package var path: String
        package var reason: String
        package var description: String { "\(path): \(reason)" }
    }

    /// The Guardian factors Auth0 knows, in the order `GET /api/v2/guardian/factors` lists them.
    package static let factorNames = [
        "push-notification", "sms", "email", "duo", "otp", "webauthn-roaming", "webauthn-platform", "recovery-code",
    ]
    /// The values `PUT /api/v2/guardian/policies` takes.
    package static let policyNames = ["all-applications", "confidence-score"]

    /// Enabled factors by name; a factor not named is disabled.
    package var factors: [String: Bool]
    /// The MFA policy: `[]` ("never"), `["all-applications"]` or `["confidence-score"]`.
    package var policies: [String]
    package var actions: [ActionSeed]
    package var rules: [RuleSeed]

    package init(
        factors: [String: Bool] = [:], policies: [String] = [], actions: [ActionSeed] = [], rules: [RuleSeed] = []
    ) {
        self.factors = factors
        self.policies = policies
        self.actions = actions
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey { case factors, policies, actions, rules }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            factors: try c.decodeIfPresent([String: Bool].self, forKey: .factors) ?? [:],
            policies: try c.decodeIfPresent([String].self, forKey: .policies) ?? [],
            actions: try c.decodeIfPresent([ActionSeed].self, forKey: .actions) ?? [],
            rules: try c.decodeIfPresent([RuleSeed].self, forKey: .rules) ?? [])
    }

    /// A tenant set up correctly for `flag`: one-time passwords enabled, MFA policy "never", and
    /// mfa-rollout's own post-login Action reading the flag, deployed and bound.
    package static func correct(for flag: FlagLocation = .default) -> Self {
        Self(
            factors: ["otp": true], policies: [],
            actions: [ActionSeed(name: PostLoginAction.defaultName, code: PostLoginAction(flag: flag).source)])
    }

    /// The default: ``correct(for:)`` the default flag, `app_metadata.use_mfa`.
    package static let `default` = correct()

    /// Reads a YAML or JSON file (JSON is read as YAML) and checks factor and policy names.
    package static func load(path: String) throws -> Self {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(path: path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        let configuration: Self
        do {
            configuration = try YAMLDecoder().decode(Self.self, from: text)
        } catch let error as YamlError {
            let lines = "\(error)".split(separator: "\n").prefix(2).joined(separator: ": ")
            throw LoadError(path: path, reason: "not YAML or JSON: \(lines)")
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, let yaml = context.underlyingError as? YamlError {
                // Yams' text: "LINE:COLUMN: error: …", the problem, then the source line quoted.
                let lines = "\(yaml)".split(separator: "\n").prefix(2).joined(separator: ": ")
                throw LoadError(path: path, reason: "not YAML or JSON: \(lines)")
            }
            throw LoadError(path: path, reason: Self.describe(error))
        }
        for name in configuration.factors.keys where !factorNames.contains(name) {
            throw LoadError(
                path: path, reason: "factors: unknown factor \(name) (one of \(factorNames.joined(separator: ", ")))")
        }
        for name in configuration.policies where !policyNames.contains(name) {
            throw LoadError(
                path: path, reason: "policies: unknown policy \(name) (one of \(policyNames.joined(separator: ", ")))")
        }
        return configuration
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "" : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + ": "
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context))missing \(key.stringValue)"
        case .typeMismatch(let type, let context): return "\(path(context))expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context))expected \(type)"
        case .dataCorrupted(let context): return "\(path(context))\(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
