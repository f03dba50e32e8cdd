import Foundation
import MFARollout
import Testing

@Suite("--version")
struct VersionTextTests {
    /// The version plans record, then the commit the binary was built from: a git object name
    /// (with "-dirty" for a work tree with changes) when MFA_ROLLOUT_COMMIT was set at build
    /// time, "unknown commit" otherwise. scripts/check-package.sh checks the commit itself.
    @Test("--version: the version and the commit it was built from")
    func version() async throws {
        let result = try await CLIRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let pattern = #/(?<version>[^ ]+) \((commit [0-9a-f]{7,40}(-dirty)?|unknown commit)\)\n/#
        let match = try #require(result.stdout.wholeMatch(of: pattern), "\(result.stdout)")
        #expect(match.output.version == MFARolloutInfo.version)
    }
}
