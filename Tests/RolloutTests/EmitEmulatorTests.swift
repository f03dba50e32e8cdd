import Foundation
import MFARollout
import ManagementAPI
import TenantEmulator
import TestSupport
import Testing

@testable import Rollout

@Suite("emit: the curl script against the emulator")
struct EmitEmulatorTests {
    @Test(
        "Running the generated script with sh applies every operation, tricky ids included",
        .enabled(if: ExternalTool.available("sh", "curl"), "needs sh and curl"))
    func curlScriptApplies() async throws {
        let sh = try #require(ExternalTool.path("sh"))
        let curl = try #require(ExternalTool.path("curl"), "curl is needed to run the generated script")
        let users = [
            emulatorUser("samlp|conn|a@b.com", email: "a@b.com", mfa: nil),
            emulatorUser("auth0|a/b", email: "ab@example.com", mfa: false),
            emulatorUser("auth0|it's \"quoted\" $x", email: "q@example.com", mfa: true),
            emulatorUser("auth0|untouched", email: "u@example.com", mfa: false),
        ]
        let plan = TestPlans.plan([
            TestPlans.operation("samlp|conn|a@b.com"),
            TestPlans.operation("auth0|a/b", current: .off),
            TestPlans.operation("auth0|it's \"quoted\" $x", .disable, current: .on),
        ])
        try await withTestEmulator(users: users) { emulator in
            // A token the way an operator gets one.
            let token = try await fetchToken(curl: curl, emulator: emulator)
            let endpoint = try ManagementEndpoint(domain: "127.0.0.1:\(emulator.port)", allowInsecureHTTP: true)
            let directory = try TestPlans.temporaryDirectory()
            let paths = try Emitter.write(
                Emitter.render(plan, options: EmitOptions(format: .curl, batchSize: 2, endpoint: endpoint, rate: 100)),
                format: .curl, into: directory)
            #expect(paths.count == 2)
            for path in paths {
                let result = try await runProcessAsync(
                    sh, [path], environment: ["PATH": "/usr/bin:/bin", "AUTH0_TOKEN": token])
                #expect(result.status == 0, "\(result.stderr)")
            }
            let after = Dictionary(
                uniqueKeysWithValues: await emulator.store.allUsers().map { ($0.id, $0.appMetadata["use_mfa"]) })
            #expect(after["samlp|conn|a@b.com"] == .bool(true))
            #expect(after["auth0|a/b"] == .bool(true))
            #expect(after["auth0|it's \"quoted\" $x"] == .bool(false))
            #expect(after["auth0|untouched"] == .bool(false))
            let patches = await emulator.store.requests().filter { $0.method == "PATCH" }
            #expect(patches.map(\.correlationID) == plan.operations.map(\.id))
            #expect(patches.allSatisfy { $0.status == 200 && $0.changed })
        }
    }

    @Test(
        "A failing request stops the script with the operation named and a non-zero status",
        .enabled(if: ExternalTool.available("sh", "curl"), "needs sh and curl"))
    func curlScriptStopsOnFailure() async throws {
        let sh = try #require(ExternalTool.path("sh"))
        let curl = try #require(ExternalTool.path("curl"))
        let plan = TestPlans.plan([TestPlans.operation("auth0|missing"), TestPlans.operation("auth0|present")])
        try await withTestEmulator(users: [emulatorUser("auth0|present", email: "p@example.com", mfa: nil)]) {
            emulator in
            let token = try await fetchToken(curl: curl, emulator: emulator)
            let endpoint = try ManagementEndpoint(domain: "127.0.0.1:\(emulator.port)", allowInsecureHTTP: true)
            let directory = try TestPlans.temporaryDirectory()
            let paths = try Emitter.write(
                Emitter.render(plan, options: EmitOptions(format: .curl, endpoint: endpoint, rate: 100)), format: .curl,
                into: directory)
            let result = try await runProcessAsync(
                sh, [paths[0]], environment: ["PATH": "/usr/bin:/bin", "AUTH0_TOKEN": token])
            #expect(result.status == 1)
            #expect(result.stderr.contains("operation 1/2 (\(plan.operations[0].id)) failed"))
            #expect(result.stdout.contains("inexistent_user"))
            let patches = await emulator.store.requests().filter { $0.method == "PATCH" }
            #expect(patches.count == 1)
        }
    }
}

/// `POST /oauth/token` with curl; the access token.
func fetchToken(curl: String, emulator: RunningEmulator) async throws -> String {
    let body =
        #"{"grant_type":"client_credentials","client_id":"emulator-client","client_secret":"emulator-secret","audience":"\#(emulator.apiURL)/"}"#
    let result = try await runProcessAsync(
        curl,
        [
            "-sS", "--fail-with-body", "-H", "Content-Type: application/json", "--data-binary", body,
            emulator.baseURL + "/oauth/token",
        ])
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    guard result.status == 0, let token = object?["access_token"] as? String else {
        throw TokenFetchError(status: result.status, output: result.stdout + result.stderr)
    }
    return token
}

struct TokenFetchError: Error {
    var status: Int32
    var output: String
}
