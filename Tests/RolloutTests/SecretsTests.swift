import Foundation
import MFARollout
import ManagementAPI
import Rollout
import TenantEmulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("secrets stay out of the journal and the summary")
struct SecretsTests {
    /// A token fetched by hand, so the test knows its text.
    static func fetchToken(_ tenant: TestTenant, secret: String) async throws -> String {
        var request = URLRequest(url: URL(string: tenant.emulator.baseURL + "/oauth/token")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "grant_type": "client_credentials", "client_id": "emulator-client", "client_secret": secret,
            "audience": tenant.emulator.apiURL + "/",
        ])
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return try #require(object?["access_token"] as? String)
    }

    @Test("neither the client secret nor a token appears in the journal files or the summaries")
    func noSecrets() async throws {
        let (users, plan) = Fixture.enableAll(8)
        let (moreUsers, secondPlan) = Fixture.enableAll(8, from: 100)
        let gone = plan.operations[0].userID
        let secret = "s3cr3t-\(UUID().uuidString)"
        try await withTenant(
            (users + moreUsers).filter { $0.id != gone },
            {
                $0.clientSecret = secret
                $0.faults = FaultConfiguration(failRate: 0.2, seed: 5)
            }
        ) { tenant in
            let first = try await tenant.apply(
                plan,
                settings: tenant.settings(
                    credentials: .clientCredentials(clientID: "emulator-client", secret: ClientSecret(secret))))
            #expect(first.failed == 1)
            let token = try await Self.fetchToken(tenant, secret: secret)
            let second = try await tenant.apply(
                secondPlan, settings: tenant.settings(credentials: .staticToken(BearerToken(token))), journal: "second")
            #expect(second.exitCode == 0)

            var haystack = Data()
            for name in ["plan", "second"] {
                for suffix in ["", "-wal", "-shm"] {
                    haystack += FileManager.default.contents(atPath: tenant.journalPath(name) + suffix) ?? Data()
                }
            }
            for summary in [first, second] {
                haystack += try JSONEncoder().encode(summary)
                haystack += Data("\(summary)".utf8)
            }
            #expect(haystack.count > 10_000, "the journals were read")
            #expect(haystack.range(of: Data(secret.utf8)) == nil)
            #expect(haystack.range(of: Data(token.utf8)) == nil)
            #expect(haystack.range(of: Data("Bearer ".utf8)) == nil)
        }
    }
}
