import Foundation
import Testing

@testable import MFARollout

@Suite("reports")
struct ReportTests {
    @Test("Markdown cells cannot break the table or inject markup")
    func markdownEscaping() {
        #expect(MarkdownReport.cell("a|b") == "a\\|b")
        #expect(MarkdownReport.cell("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)\\>")
        #expect(MarkdownReport.cell("line\nbreak") == "line break")
        #expect(MarkdownReport.code("samlp|c|`x`") == "samlp\\|c\\|'x'")
    }

    @Test("the report model tallies changes by connection and domain")
    func tallies() {
        let ops = [
            PlanFileTests.operation("auth0|1", email: "a@Acme.com"),
            PlanFileTests.operation("auth0|2", email: "b@acme.com"),
            PlanFileTests.operation("auth0|3", .disable, email: nil),
        ]
        let model = ReportModel(plan: PlanFileTests.plan(ops))
        #expect(model.byEmailDomain.first?.name == "acme.com")
        #expect(model.byEmailDomain.first?.enable == 2)
        #expect(model.byEmailDomain.contains { $0.name == "(no email)" && $0.disable == 1 })
        #expect(model.byConnection.first?.total == 3)
        let markdown = MarkdownReport.render(model, planPath: "plan.json")
        #expect(markdown.contains("--approve \(model.plan.fingerprint)"))
        let html = HTMLReport.render(model)
        #expect(html.contains(model.plan.fingerprint))
        #expect(html.contains("<table>"))
    }
}
