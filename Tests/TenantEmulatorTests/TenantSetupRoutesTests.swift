import Foundation
import NIOHTTP1
import Testing

@testable import TenantEmulator

@Suite("Guardian factors and policies, Actions, bindings and Rules")
struct TenantSetupRoutesTests {
    @Test("The default tenant: otp enabled, policy never, mfa-rollout's Action deployed and bound to post-login")
    func defaultTenant() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let factors = try await h.send(.GET, "/api/v2/guardian/factors", token: token)
            #expect(factors.status == 200)
            guard case .array(let list) = factors.json else {
                Issue.record("not an array")
                return
            }
            #expect(list.count == 8)
            #expect(list.filter { $0["enabled"] == true }.map { $0["name"] } == ["otp"])
            #expect(try await h.send(.GET, "/api/v2/guardian/policies", token: token).json == [])
            let bindings = try await h.send(.GET, "/api/v2/actions/triggers/post-login/bindings", token: token)
            #expect(bindings.status == 200)
            guard case .array(let bound) = bindings.json["bindings"] ?? .null, let first = bound.first else {
                Issue.record("no bindings: \(bindings.text)")
                return
            }
            #expect(bound.count == 1)
            #expect(first["action"]?["deployed_version"]?["code"]?.stringValue?.contains("use_mfa") == true)
            #expect(try await h.send(.GET, "/api/v2/rules", token: token).json == [])
        }
    }

    @Test("Each route asks for its scope")
    func scopes() async throws {
        try await withEmulator({ $0.scopes = ["read:users"] }) { h in
            let token = try await h.token()
            for (method, path, scope) in [
                (HTTPMethod.GET, "/api/v2/guardian/factors", "read:guardian_factors"),
                (.PUT, "/api/v2/guardian/factors/otp", "update:guardian_factors"),
                (.GET, "/api/v2/guardian/policies", "read:mfa_policies"),
                (.PUT, "/api/v2/guardian/policies", "update:mfa_policies"),
                (.GET, "/api/v2/actions/actions", "read:actions"),
                (.POST, "/api/v2/actions/actions", "create:actions"),
                (.PATCH, "/api/v2/actions/actions/x", "update:actions"),
                (.POST, "/api/v2/actions/actions/x/deploy", "create:actions"),
                (.GET, "/api/v2/actions/triggers/post-login/bindings", "read:actions"),
                (.PATCH, "/api/v2/actions/triggers/post-login/bindings", "update:actions"),
                (.GET, "/api/v2/rules", "read:rules"),
                (.POST, "/api/v2/rules", "create:rules"),
            ] {
                let answer = try await h.send(method, path, token: token, json: [:])
                #expect(answer.status == 403, "\(method) \(path)")
                #expect(answer.json["message"]?.stringValue?.hasSuffix(scope) == true, "\(path): \(answer.text)")
            }
            #expect(try await h.send(.GET, "/api/v2/guardian/factors", token: nil).status == 401)
        }
    }

    @Test("PUT factors and policies change what GET answers; bad bodies are refused in Auth0's words")
    func guardianWrites() async throws {
        try await withEmulator({ $0.scopes += ["update:guardian_factors", "update:mfa_policies"] }) { h in
            let token = try await h.token()
            let put = try await h.send(.PUT, "/api/v2/guardian/factors/sms", token: token, json: ["enabled": true])
            #expect(put.status == 200)
            #expect(put.json == ["enabled": true])
            let factors = try await h.send(.GET, "/api/v2/guardian/factors", token: token).json
            guard case .array(let list) = factors else {
                Issue.record("not an array")
                return
            }
            #expect(
                Set(list.filter { $0["enabled"] == true }.compactMap { $0["name"]?.stringValue }) == ["otp", "sms"])
            let wrongType = try await h.send(
                .PUT, "/api/v2/guardian/factors/sms", token: token, json: ["enabled": "yes"])
            #expect(wrongType.status == 400)
            #expect(
                wrongType.json["message"]?.stringValue?.contains("Expected type boolean but found type string") == true)
            #expect(
                try await h.send(.PUT, "/api/v2/guardian/factors/pigeon", token: token, json: ["enabled": true]).status
                    == 400)
            let policy = try await h.send(.PUT, "/api/v2/guardian/policies", token: token, json: ["all-applications"])
            #expect(policy.status == 200)
            #expect(try await h.send(.GET, "/api/v2/guardian/policies", token: token).json == ["all-applications"])
            #expect(
                try await h.send(.PUT, "/api/v2/guardian/policies", token: token, json: ["sometimes"]).status == 400)
        }
    }

    @Test("Actions: create, patch, deploy, bind (whole list replaced, in order); undeployed Actions cannot be bound")
    func actions() async throws {
        try await withEmulator({ $0.tenantSetup.actions = [] }) { h in
            let token = try await h.token()
            let created = try await h.send(
                .POST, "/api/v2/actions/actions", token: token,
                json: ["name": "A", "code": "// one", "supported_triggers": [["id": "post-login", "version": "v3"]]])
            #expect(created.status == 201)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.json["deployed_version"] == nil)
            let duplicate = try await h.send(
                .POST, "/api/v2/actions/actions", token: token,
                json: ["name": "A", "supported_triggers": [["id": "post-login"]]])
            #expect(duplicate.status == 409)
            let deployedAtOnce = try await h.send(
                .POST, "/api/v2/actions/actions", token: token,
                json: ["name": "C", "code": "// c", "supported_triggers": [["id": "post-login"]], "deploy": true])
            #expect(deployedAtOnce.json["deployed_version"]?["code"] == "// c", "deploy: true deploys on creation")
            let missing = try await h.send(.POST, "/api/v2/actions/actions", token: token, json: ["name": "B"])
            #expect(missing.status == 400)
            #expect(missing.json["message"]?.stringValue?.contains("supported_triggers") == true)

            let early = try await h.send(
                .PATCH, "/api/v2/actions/triggers/post-login/bindings", token: token,
                json: ["bindings": [["ref": ["type": "action_id", "value": .string(id)]]]])
            #expect(early.status == 400, "an undeployed Action cannot be bound")

            let deployed = try await h.send(.POST, "/api/v2/actions/actions/\(id)/deploy", token: token)
            #expect(deployed.status == 202)
            #expect(deployed.json["number"] == 1)
            let patched = try await h.send(
                .PATCH, "/api/v2/actions/actions/\(id)", token: token, json: ["code": "// two"])
            #expect(patched.json["code"] == "// two")
            #expect(patched.json["all_changes_deployed"] == false)
            #expect(patched.json["deployed_version"]?["code"] == "// one", "the deployed code stays until deployed")
            _ = try await h.send(.POST, "/api/v2/actions/actions/\(id)/deploy", token: token)
            let action = try await h.send(.GET, "/api/v2/actions/actions/\(id)", token: token)
            #expect(action.json["deployed_version"]?["code"] == "// two")
            #expect(action.json["deployed_version"]?["number"] == 2)

            let other = try await h.send(
                .POST, "/api/v2/actions/actions", token: token,
                json: ["name": "Other", "supported_triggers": [["id": "post-login"]]])
            let otherID = try #require(other.json["id"]?.stringValue)
            _ = try await h.send(.POST, "/api/v2/actions/actions/\(otherID)/deploy", token: token)
            let bound = try await h.send(
                .PATCH, "/api/v2/actions/triggers/post-login/bindings", token: token,
                json: [
                    "bindings": [
                        ["ref": ["type": "action_name", "value": "Other"]],
                        ["ref": ["type": "action_id", "value": .string(id)], "display_name": "first"],
                    ]
                ])
            #expect(bound.status == 200, "\(bound.text)")
            let list = try await h.send(.GET, "/api/v2/actions/triggers/post-login/bindings", token: token)
            guard case .array(let bindings) = list.json["bindings"] ?? .null else {
                Issue.record("\(list.text)")
                return
            }
            #expect(bindings.map { $0["action"]?["name"] } == ["Other", "A"])
            #expect(bindings.map { $0["display_name"] } == ["Other", "first"])
            let filtered = try await h.send(.GET, "/api/v2/actions/actions?actionName=Other", token: token)
            #expect(filtered.json["total"] == 1)
            #expect(try await h.send(.GET, "/api/v2/actions/actions/nope", token: token).status == 404)
            #expect(try await h.send(.GET, "/api/v2/actions/triggers/nope/bindings", token: token).status == 404)
        }
    }

    @Test("Rules: create and list, with enabled filter")
    func rules() async throws {
        try await withEmulator({ $0.scopes += ["create:rules"] }) { h in
            let token = try await h.token()
            let created = try await h.send(
                .POST, "/api/v2/rules", token: token,
                json: [
                    "name": "r", "script": "function (user, context, cb) { cb(null, user, context); }",
                    "enabled": false,
                ])
            #expect(created.status == 201)
            #expect(created.json["order"] == 1)
            #expect(try await h.send(.GET, "/api/v2/rules?enabled=true", token: token).json == [])
            guard case .array(let all) = try await h.send(.GET, "/api/v2/rules", token: token).json else {
                Issue.record("not an array")
                return
            }
            #expect(all.count == 1)
            #expect(try await h.send(.POST, "/api/v2/rules", token: token, json: ["name": "x"]).status == 400)
        }
    }

    @Test("Confirming a ticket confirms its enrollment and sets the user's multifactor; a second time is 404")
    func confirmTicket() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let ticket = try await h.send(
                .POST, "/api/v2/guardian/enrollments/ticket", token: token,
                json: ["user_id": .string(Fixtures.auth0ID), "send_mail": false])
            #expect(ticket.status == 200)
            let id = try #require(ticket.json["ticket_id"]?.stringValue)
            #expect(await h.store.user(id: Fixtures.auth0ID)?.fields["multifactor"] == nil)
            let confirmed = try await h.send(.POST, "/__emulator/tickets/\(id)/confirm")
            #expect(confirmed.status == 200)
            #expect(confirmed.json["confirmed"] == true)
            #expect(await h.store.user(id: Fixtures.auth0ID)?.fields["multifactor"] == ["guardian"])
            let enrollments = try await h.send(
                .GET, "/api/v2/users/\(encodedID(Fixtures.auth0ID))/enrollments", token: token)
            guard case .array(let list) = enrollments.json else {
                Issue.record("\(enrollments.text)")
                return
            }
            #expect(list.map { $0["status"] } == ["confirmed"])
            #expect(try await h.send(.POST, "/__emulator/tickets/\(id)/confirm").status == 404)
        }
    }

    @Test("--tenant-config: YAML and JSON are read; unknown factors and missing members name the file and place")
    func configurationFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = directory.appendingPathComponent("t.yaml").path
        try
            "factors: {sms: true}\npolicies: [confidence-score]\nactions:\n  - name: a\n    code: x\n    deployed: false\n"
            .write(toFile: yaml, atomically: true, encoding: .utf8)
        let loaded = try TenantSetupConfiguration.load(path: yaml)
        #expect(loaded.factors == ["sms": true])
        #expect(loaded.policies == ["confidence-score"])
        #expect(loaded.actions.map(\.deployed) == [false])
        #expect(loaded.actions.map(\.bound) == [true])
        let json = directory.appendingPathComponent("t.json").path
        try #"{"factors": {"otp": true}, "rules": [{"name": "r", "script": "s"}]}"#
            .write(toFile: json, atomically: true, encoding: .utf8)
        #expect(try TenantSetupConfiguration.load(path: json).rules.map(\.enabled) == [true])
        try "factors: {pigeon: true}\n".write(toFile: yaml, atomically: true, encoding: .utf8)
        #expect(throws: TenantSetupConfiguration.LoadError.self) { try TenantSetupConfiguration.load(path: yaml) }
        try "actions:\n  - name: a\n    code: [1\n".write(toFile: yaml, atomically: true, encoding: .utf8)
        do {
            _ = try TenantSetupConfiguration.load(path: yaml)
            Issue.record("accepted broken YAML")
        } catch {
            #expect("\(error)".contains("not YAML or JSON: 4:1:"), "\(error)")
            #expect(!"\(error)".contains("\n"))
        }
        try "actions:\n  - name: a\n".write(toFile: yaml, atomically: true, encoding: .utf8)
        do {
            _ = try TenantSetupConfiguration.load(path: yaml)
            Issue.record("accepted an Action without code")
        } catch {
            #expect("\(error)".contains(yaml))
            #expect("\(error)".contains("actions[0]: missing code"), "\(error)")
        }
    }
}
