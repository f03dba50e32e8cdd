import Foundation
import MFARollout
import ManagementAPI
import TestSupport
import Testing

@testable import Rollout

/// The curl script of a plan whose ids hold everything a shell or a terminal could act on.
@Suite("emit: curl scripts pass shellcheck, whatever the ids hold")
struct EmitShellcheckTests {
    static let hostileIDs = [
        "auth0|$HOME;`id`", "auth0|it's \"quoted\" $x", "auth0|back\\slash", "auth0|\u{1B}]0;pwned\u{07}",
        "auth0|new\nline", "auth0|nul\u{0}x", "auth0|admin\u{202E}moc.live", "samlp|conn|a b@c.com", "auth0|$(reboot)",
        "auth0|*?[a]", "auth0|~root", "auth0|!event",
    ]

    static func script() throws -> String {
        let plan = TestPlans.plan(hostileIDs.map { TestPlans.operation($0) })
        let endpoint = try ManagementEndpoint(domain: "acme.eu.auth0.com")
        let files = try Emitter.render(plan, options: EmitOptions(format: .curl, endpoint: endpoint, rate: 5))
        return String(decoding: files[0].bytes, as: UTF8.self)
    }

    @Test("ids other than plain words appear only percent-encoded; no control character in the script")
    func noRawIDs() throws {
        let script = try Self.script()
        #expect(!script.unicodeScalars.contains { $0 != "\n" && VisibleText.needsEscape($0) })
        #expect(!script.contains("$HOME;"))
        #expect(script.contains("enable /api/v2/users/auth0%7C%24HOME%3B%60id%60'"))
    }

    @Test("shellcheck finds nothing", .enabled(if: ExternalTool.available("shellcheck"), "needs shellcheck"))
    func shellcheck() async throws {
        let directory = try TestPlans.temporaryDirectory()
        let path = directory + "/ops-0001.sh"
        try Self.script().write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runProcessAsync(try #require(ExternalTool.path("shellcheck")), ["--shell=sh", path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
