import Foundation
import MFARollout
import ManagementAPI
import Rollout
import TenantEmulator
import Testing

/// Each verdict of each check, against the emulator set up as a test needs.
@Suite("mfa-rollout check against the emulator")
struct TenantCheckerTests {
    static let flag = FlagLocation.default

    /// Runs the check for `flag` against an emulator configured by `configure`.
    func check(
        flag: FlagLocation = Self.flag, enroll: Bool = false,
        _ configure: @escaping (inout EmulatorConfiguration) -> Void = { _ in }
    ) async throws -> TenantCheckReport {
        try await withTestEmulator(users: [], configure) { emulator in
            try await ManagementConnection.with(Self.settings(emulator)) { connection in
                try await TenantChecker(client: connection.client).run(
                    flag: flag, needed: ScopeRequirement.forRun(flag: flag, reconcile: true, enroll: enroll))
            }
        }
    }

    static func settings(_ emulator: RunningEmulator) -> ConnectionSettings {
        ConnectionSettings(
            domain: "127.0.0.1:\(emulator.port)", allowInsecureHTTP: true,
            credentials: .clientCredentials(clientID: "emulator-client", secret: ClientSecret("emulator-secret")),
            limits: .custom(RateLimit(rate: 1000, burst: 100)), requestTimeout: .seconds(10))
    }

    func result(_ report: TenantCheckReport, _ id: String) throws -> TenantCheckReport.Result {
        try #require(report.results.first { $0.id == id })
    }

    static func action(_ name: String, _ body: String, deployed: Bool = true, bound: Bool = true)
        -> TenantSetupConfiguration.ActionSeed
    {
        .init(
            name: name, code: "exports.onExecutePostLogin = async (event, api) => {\n\(body)\n};", deployed: deployed,
            bound: bound)
    }

    @Test("The default emulator tenant passes every check, and apply may go ahead")
    func defaultTenantPasses() async throws {
        let report = try await check()
        #expect(report.results.map(\.id) == ["scopes", "factors", "mfa-policy", "actions", "rules", "flag-container"])
        #expect(report.results.allSatisfy { $0.verdict == .pass }, "\(report.results)")
        #expect(report.flagIsRead)
        #expect(report.applyRefusal == nil)
        #expect(report.exitCode(strict: true) == 0)
    }

    @Test("scopes: a missing write or enrollment scope fails and names it; a missing read scope stops the check")
    func scopes() async throws {
        let noTickets = try await check(enroll: true) {
            $0.scopes = EmulatorConfiguration.defaultScopes.filter { $0 != "create:guardian_enrollment_tickets" }
        }
        let scopes = try result(noTickets, "scopes")
        #expect(scopes.verdict == .fail)
        #expect(scopes.message.contains("create:guardian_enrollment_tickets"))
        #expect(noTickets.applyRefusal == nil, "the flag is read; the apply itself will meet the 403")

        let noActions = try await check {
            $0.scopes = EmulatorConfiguration.defaultScopes.filter { $0 != "read:actions" }
        }
        #expect(try result(noActions, "scopes").verdict == .fail)
        #expect(try result(noActions, "actions").message.contains("read:actions"))
        #expect(noActions.missingReadScopes == ["read:actions"])
        #expect(noActions.applyRefusal?.contains("grant") == true)
        #expect(noActions.exitCode(strict: false) == 1)
    }

    @Test("scopes: an opaque token (the emulator's, given as a ready token) warns; the other checks still run")
    func opaqueToken() async throws {
        try await withTestEmulator(users: []) { emulator in
            let token = try await ManagementConnection.with(Self.settings(emulator)) { connection in
                try await connection.client.tokens.token()
            }
            var settings = Self.settings(emulator)
            settings.credentials = .staticToken(token)
            let report = try await ManagementConnection.with(settings) { connection in
                try await TenantChecker(client: connection.client).run(
                    flag: Self.flag, needed: ScopeRequirement.forRun(flag: Self.flag, reconcile: false, enroll: false))
            }
            let scopes = try result(report, "scopes")
            #expect(scopes.verdict == .warn)
            #expect(scopes.message.contains("opaque"))
            #expect(report.results.filter { $0.id != "scopes" }.allSatisfy { $0.verdict == .pass })
            #expect(report.applyRefusal == nil)
        }
    }

    @Test("factors: none enabled fails")
    func factors() async throws {
        let report = try await check { $0.tenantSetup.factors = [:] }
        let factors = try result(report, "factors")
        #expect(factors.verdict == .fail)
        #expect(factors.fix?.contains("guardian/factors") == true)
    }

    @Test("mfa-policy: all-applications fails (the flag is moot), confidence-score warns")
    func policy() async throws {
        let always = try await check { $0.tenantSetup.policies = ["all-applications"] }
        #expect(try result(always, "mfa-policy").verdict == .fail)
        #expect(always.policyMakesFlagMoot)
        #expect(always.applyRefusal?.contains("all-applications") == true)
        let adaptive = try await check { $0.tenantSetup.policies = ["confidence-score"] }
        #expect(try result(adaptive, "mfa-policy").verdict == .warn)
        #expect(adaptive.applyRefusal == nil)
        #expect(adaptive.exitCode(strict: false) == 0)
        #expect(adaptive.exitCode(strict: true) == 3)
    }

    @Test("actions: nothing bound fails; an undeployed or unbound Action does not count")
    func noAction() async throws {
        let none = try await check { $0.tenantSetup.actions = [] }
        #expect(try result(none, "actions").verdict == .fail)
        #expect(!none.flagIsRead)
        #expect(none.applyRefusal != nil)
        let good = "if (event.user.app_metadata.use_mfa === true) api.multifactor.enable('any');"
        let unbound = try await check { $0.tenantSetup.actions = [Self.action("Unbound", good, bound: false)] }
        #expect(try result(unbound, "actions").verdict == .fail)
    }

    @Test("actions: an Action reading another key fails, naming both locations and the Action")
    func mismatchedAction() async throws {
        let report = try await check {
            $0.tenantSetup.actions = [
                Self.action("Require MFA", "if (event.user.user_metadata.use_mfa) { api.multifactor.enable('any'); }")
            ]
        }
        let actions = try result(report, "actions")
        #expect(actions.verdict == .fail)
        #expect(actions.message.contains("'Require MFA'"))
        #expect(actions.message.contains("user_metadata.use_mfa"))
        #expect(actions.message.contains("app_metadata.use_mfa"))
        #expect(report.applyRefusal != nil)
    }

    @Test("actions: every page of bindings is read (the reading Action is the 25th, past Auth0's page of 20)")
    func pagedBindings() async throws {
        let report = try await check {
            $0.tenantSetup.actions =
                (1...24).map { Self.action("Other \($0)", "console.log(\($0));") }
                + [Self.action("Last", "if (event.user.app_metadata.use_mfa === true) api.multifactor.enable('any');")]
        }
        #expect(try result(report, "actions").verdict == .pass)
        #expect(try result(report, "actions").message.contains("'Last'"))
    }

    @Test("actions: a loose comparison warns; reading without asking for MFA fails")
    func looseAndNoMFA() async throws {
        let loose = try await check {
            $0.tenantSetup.actions = [
                Self.action("Loose", "if (event.user.app_metadata.use_mfa) api.multifactor.enable('any');")
            ]
        }
        #expect(try result(loose, "actions").verdict == .warn)
        #expect(loose.flagIsRead)
        let silent = try await check {
            $0.tenantSetup.actions = [
                Self.action("Logs", "if (event.user.app_metadata.use_mfa === true) console.log('mfa');")
            ]
        }
        #expect(try result(silent, "actions").verdict == .fail)
        #expect(try result(silent, "actions").message.contains("never asks for MFA"))
    }

    @Test("rules: an enabled Rule reading the flag warns (end of life) and counts; a disabled one is ignored")
    func rules() async throws {
        let script = """
            function (user, context, callback) {
              if (user.app_metadata && user.app_metadata.use_mfa === true) {
                context.multifactor = { provider: 'any', allowRememberBrowser: false };
              }
              callback(null, user, context);
            }
            """
        let ruleOnly = try await check {
            $0.tenantSetup.actions = []
            $0.tenantSetup.rules = [.init(name: "MFA rule", script: script)]
        }
        #expect(try result(ruleOnly, "rules").verdict == .warn)
        #expect(try result(ruleOnly, "rules").message.contains("18 November 2024"))
        #expect(try result(ruleOnly, "actions").verdict == .warn)
        #expect(ruleOnly.flagIsRead)
        #expect(ruleOnly.applyRefusal == nil)
        let disabled = try await check {
            $0.tenantSetup.actions = []
            $0.tenantSetup.rules = [.init(name: "MFA rule", script: script, enabled: false)]
        }
        #expect(try result(disabled, "rules").verdict == .pass)
        #expect(!disabled.flagIsRead)
    }

    @Test("rules and actions: a second script asking for MFA from another location warns when the flag is read")
    func secondReader() async throws {
        let good = "if (event.user.app_metadata.use_mfa === true) api.multifactor.enable('any');"
        let report = try await check {
            $0.tenantSetup.actions = [
                Self.action("Right", good),
                Self.action("Old", "if (event.user.user_metadata.mfa === true) api.multifactor.enable('any');"),
            ]
            $0.tenantSetup.rules = [
                .init(
                    name: "Old rule",
                    script:
                        "function (user, context, cb) { if (user.user_metadata.use_mfa) { context.multifactor = {provider: 'any'}; } cb(null, user, context); }"
                ),
                .init(name: "Quiet", script: "function (user, context, cb) { cb(null, user, context); }"),
            ]
        }
        let actions = try result(report, "actions")
        #expect(actions.verdict == .warn)
        #expect(actions.message.contains("'Old'") && actions.message.contains("user_metadata.mfa"))
        let rules = try result(report, "rules")
        #expect(rules.verdict == .warn)
        #expect(rules.message.contains("'Old rule'"))
        #expect(report.flagIsRead)
        #expect(report.applyRefusal == nil)

        let quiet = try await check {
            $0.tenantSetup.rules = [
                .init(name: "Quiet", script: "function (user, context, cb) { cb(null, user, context); }")
            ]
        }
        #expect(try result(quiet, "rules").verdict == .warn, "enabled Rules warn: they reached end of life")
        #expect(try result(quiet, "actions").verdict == .pass)
    }

    @Test("Auth0's guide: PATCH app_metadata.useMfa, Rule reads user_metadata.use_mfa: both named, apply refused")
    func guideMismatch() async throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                "samples/guide-mismatch")
        let setup = try TenantSetupConfiguration.load(path: sample.appendingPathComponent("tenant.yaml").path)
        let flag = try Policy.load(path: sample.appendingPathComponent("policy.yaml").path).flag
        #expect(flag.description == "app_metadata.useMfa")
        let report = try await check(flag: flag) { $0.tenantSetup = setup }
        let rules = try result(report, "rules")
        #expect(rules.verdict == .fail)
        #expect(rules.message.contains("user_metadata.use_mfa"))
        #expect(rules.message.contains("app_metadata.useMfa"))
        #expect(rules.message.contains("Enable MFA for users who asked for it"))
        #expect(try result(report, "actions").verdict == .fail)
        #expect(!report.flagIsRead)
        #expect(report.applyRefusal?.contains("app_metadata.useMfa") == true)
    }

    @Test("flag-container: a user_metadata flag warns")
    func userMetadataFlag() async throws {
        let flag = FlagLocation(container: .userMetadata, key: "use_mfa")
        let report = try await check(flag: flag) { $0.tenantSetup = .correct(for: flag) }
        #expect(try result(report, "flag-container").verdict == .warn)
        #expect(try result(report, "actions").verdict == .pass)
        #expect(report.exitCode(strict: true) == 3)
    }

    @Test("action --deploy: creates, deploys and binds after the other bindings; again, updates in place; check passes")
    func deployAction() async throws {
        let configure: (inout EmulatorConfiguration) -> Void = {
            $0.tenantSetup.actions = [
                Self.action("Audit", "console.log(event.user.user_id);"),
                Self.action("Geo", "console.log(event.request.geoip);"),
            ]
        }
        try await withTestEmulator(users: [], configure) { emulator in
            try await ManagementConnection.with(Self.settings(emulator)) { connection in
                let checker = TenantChecker(client: connection.client)
                let needed = ScopeRequirement.forRun(flag: Self.flag, reconcile: false, enroll: false)
                #expect(try await checker.run(flag: Self.flag, needed: needed).flagIsRead == false)
                let deployer = ActionDeployer(client: connection.client)
                let first = try await deployer.deploy(PostLoginAction(flag: Self.flag))
                #expect(first.change == "created")
                #expect(first.newlyBound)
                #expect(first.bindings == ["Audit", "Geo", PostLoginAction.defaultName])
                let second = try await deployer.deploy(PostLoginAction(flag: Self.flag, allowRememberBrowser: true))
                #expect(second.change == "updated")
                #expect(second.actionID == first.actionID)
                #expect(!second.newlyBound)
                let bindings = try await connection.client.getTriggerBindings(trigger: "post-login")
                #expect(bindings.map(\.action.name) == ["Audit", "Geo", PostLoginAction.defaultName])
                let deployed = try await connection.client.getAction(id: first.actionID)
                #expect(deployed.deployedCode?.contains("allowRememberBrowser: true") == true)
                let report = try await checker.run(flag: Self.flag, needed: needed)
                #expect(report.results.allSatisfy { $0.verdict == .pass }, "\(report.results)")
            }
        }
    }
}
