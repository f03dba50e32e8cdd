import Foundation
import Testing

@testable import MFARollout

/// The reports of the hostile corpus's export (`Fixtures/hostile/users.csv`, planned with
/// `--on-invalid skip`): nothing in them shows as something it is not.
@Suite("reports of a hostile export cannot be spoofed")
struct HostileReportTests {
    static func plan() throws -> Plan {
        let policy = try Policy.load(path: ExportFixture.hostile("policy.yaml"))
        return try PlanPipeline(
            PlanRequest(
                sources: [.file(ExportFixture.hostile("users.csv"))], policy: policy, onInvalid: .skip,
                tenant: "acme.eu.auth0.com", asOf: Date(timeIntervalSince1970: 1_780_000_000),
                createdAt: Date(timeIntervalSince1970: 1_780_000_000))
        ).makePlan()
    }

    /// Whether `text` holds a character that must never reach a report as it is.
    static func holdsEscapable(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 != "\n" && VisibleText.needsEscape($0) }
    }

    @Test("the model counts the users with invisible characters, per column")
    func counts() throws {
        let model = ReportModel(plan: try Self.plan())
        #expect(
            model.invisible.map(\.sentence) == [
                "5 users with invisible characters in user id", "7 users with invisible characters in email",
                "1 user with invisible characters in connection",
            ])
        // The domain table counts the spoofed address under the domain it really has.
        #expect(model.byEmailDomain.first { $0.name == "corp.com" }?.enable == 10)
    }

    @Test("HTML: every invisible or control character escaped and highlighted, warnings on top, no empty list")
    func html() throws {
        let html = HTMLReport.render(ReportModel(plan: try Self.plan()), planPath: "plan.json")
        #expect(!Self.holdsEscapable(html))
        #expect(html.contains(#"admin<span class="esc" title="U+202E">\u202e</span>moc.live@corp.com"#))
        #expect(html.contains(#"ceo<span class="esc" title="U+001B">\u001b</span>]0;pwned"#))
        #expect(html.contains("<li>7 users with invisible characters in email</li>"))
        #expect(html.contains("⚠ invisible characters in email"))
        #expect(!html.contains("<ul>\n</ul>") && !html.contains("<ul></ul>"))
        #expect(html.contains("td.v { overflow-wrap: anywhere; }"))
        #expect(html.contains("auth0|$HOME;`id`"))
        #expect(html.contains("o&#39;brien &quot;x&quot;@corp.com"))
    }

    @Test("Markdown: escaped, counted, flagged")
    func markdown() throws {
        let markdown = MarkdownReport.render(ReportModel(plan: try Self.plan()), planPath: "plan.json")
        #expect(!Self.holdsEscapable(markdown))
        #expect(markdown.contains(#"admin\\u202emoc.live@corp.com"#))
        #expect(markdown.contains("> - ⚠ 7 users with invisible characters in email"))
        #expect(markdown.contains("`auth0\\|\\u202egnp.exe` ⚠ invisible characters in user id"))
    }

    @Test("changes CSV: escaped, and the warning column names the columns")
    func changes() throws {
        let csv = String(decoding: ChangesCSV.render(try Self.plan()), as: UTF8.self)
        #expect(!Self.holdsEscapable(csv))
        #expect(csv.contains(#"auth0|bidi-1,admin\u202emoc.live@corp.com,"#))
        #expect(csv.contains(",invisible characters in email\n"))
        #expect(csv.contains(#"line\nbreak@corp.com"#))
    }

    @Test("a policy without guards and an export without users: no empty list, 0 users read")
    func emptyLists() throws {
        var plan = try Self.plan()
        plan.outline.guards = []
        let html = HTMLReport.render(ReportModel(plan: plan))
        #expect(html.contains("<p>The policy sets no guards.</p>") && !html.contains("<ul>\n</ul>"))
        let policy = try Policy.load(path: ExportFixture.hostile("policy.yaml"))
        let empty = try PlanPipeline(
            PlanRequest(sources: [.file(ExportFixture.hostile("header-only.csv"))], policy: policy)
        ).makePlan()
        let emptyHTML = HTMLReport.render(ReportModel(plan: empty))
        #expect(emptyHTML.contains("<strong>0 users read:</strong>"))
        #expect(
            !emptyHTML.contains(
                "<table><tr><th>reason</th><th>users</th><th>enable</th><th>disable</th></tr>\n</table>"))
        #expect(MarkdownReport.render(ReportModel(plan: empty)).contains("**0 users read:**"))
    }
}
