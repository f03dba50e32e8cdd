import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `mfa-rollout emulator` run as a process, as scripts and rehearsals run it.
@Suite("mfa-rollout emulator")
struct EmulatorCommandTests {
    @Test("Without --limits, Management API answers carry x-ratelimit-* headers")
    func defaultLimits() async throws {
        let emulator = try await EmulatorProcess.start(["--generate", "2"])
        defer { emulator.stop() }
        let token = try #require(try await emulator.tokensIssued(secret: "emulator-secret").first)
        let users = try await emulator.users()
        var request = URLRequest(
            url: URL(
                string: emulator.baseURL + "/api/v2/users/" + users[0].id.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!)!)
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.value(forHTTPHeaderField: "x-ratelimit-limit") == "1000")
        #expect(http.value(forHTTPHeaderField: "x-ratelimit-remaining") != nil)
        #expect(http.value(forHTTPHeaderField: "x-ratelimit-reset") != nil)
    }
}
