import Foundation
import MFARollout
import Testing

@Suite("plan of an export without users")
struct ZeroUsersTests {
    @Test("a header-only export: 0 users read, the default min_rows guard trips (exit 3)")
    func headerOnly() async throws {
        let result = try await CLIRunner.run([
            "plan", "--users", HostileInputTests.hostile("header-only.csv"), "--policy",
            HostileInputTests.hostile("policy.yaml"),
        ])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("0 users read: the export holds no data rows."))
        #expect(result.stdout.contains("✗ 0 rows read, at least 1 required (min_rows): TRIPPED"))
        #expect(!result.stdout.contains("No changes"))
    }
}
