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

    /// The changes CSV is written from the operations' bytes; it must be exactly what writing
    /// each operation's fields as strings gives, whatever the fields hold.
    @Test("changes CSV: every field as the string-based writer writes it")
    func changesCSV() {
        var ops = [
            PlanFileTests.operation("auth0|1", email: "=HYPERLINK(\"x\")@a.com"),
            PlanFileTests.operation("-2", .disable, email: nil),
            PlanFileTests.operation("samlp|c,1", email: "say \"hi\"@x.test"),
            PlanFileTests.operation(" padded ", email: "+tag@x.test"),
            PlanFileTests.operation("oidc|two\nlines", email: "zoë@日本.jp"),
        ]
        ops[1].connection = nil
        ops[2].reason = "@rule"
        ops[3].line = 1_234_567_890
        ops[4].file = "exports/a b.csv.gz"
        let plan = PlanFileTests.plan(ops)
        var expected = CSVWriter()
        try! expected.writeRow(ChangesCSV.header)
        for op in ops {
            try! expected.writeRow([
                op.id, op.userID, op.email ?? "", op.connection ?? "", op.action.rawValue, op.current.rawValue,
                op.desired.rawValue, op.reason, op.file, String(op.line),
            ])
        }
        #expect(String(decoding: ChangesCSV.render(plan), as: UTF8.self) == String(decoding: expected.bytes, as: UTF8.self))
        #expect(String(decoding: ChangesCSV.render(plan), as: UTF8.self).contains("\"'=HYPERLINK(\"\"x\"\")@a.com\""))
    }
}
