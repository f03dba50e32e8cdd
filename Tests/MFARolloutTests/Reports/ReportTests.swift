import Foundation
import Testing

@testable import MFARollout

@Suite("reports")
struct ReportTests {
    @Test("Markdown cells cannot break the table or inject markup")
    func markdownEscaping() {
        #expect(MarkdownReport.cell("a|b") == "a\\|b")
        #expect(MarkdownReport.cell("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)\\>")
        // A line end is shown escaped (`\n`), its backslash escaped for Markdown.
        #expect(MarkdownReport.cell("line\nbreak") == "line\\\\nbreak")
        #expect(MarkdownReport.code("two\nlines") == "two\\nlines")
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

    /// The tallies are made from the operations' bytes; they must be what the operations'
    /// strings give: domains lowercased (ASCII byte-wise, other text by `String`), the last
    /// `@` (a whole character), no email or an empty domain as "(no email)", no connection
    /// apart from an empty one.
    @Test("report tallies: the same as from the operations' strings, whatever emails hold")
    func talliesFromBytes() {
        let emails: [String?] = [
            "a@Acme.COM", "b@acme.com", "c@ACME.com", nil, "no-at-sign", "trailing@", "x@y@Sub.Acme.com",
            "zoë@ÉCOLE.fr", "u@école.FR", "v@\u{301}x.test", "w@@", "", "K@KELVIN\u{212A}.test",
        ]
        var ops: [PlanOperation] = []
        for (index, email) in emails.enumerated() {
            var op = PlanFileTests.operation("auth0|\(index)", index % 3 == 0 ? .disable : .enable, email: email)
            op.connection = [nil, "", "acme-saml", "google-oauth2", "Username-Password-Authentication"][index % 5]
            ops.append(op)
        }
        let model = ReportModel(plan: PlanFileTests.plan(ops), tallyLimit: 100)
        var connections: [String: (Int, Int)] = [:]
        var domains: [String: (Int, Int)] = [:]
        for op in ops {
            let off = op.action == .enable ? 0 : 1
            let connection = op.connection ?? "(none)"
            let domain = op.email.flatMap(ReportModel.domain(of:)) ?? "(no email)"
            connections[connection, default: (0, 0)].0 += 1 - off
            connections[connection, default: (0, 0)].1 += off
            domains[domain, default: (0, 0)].0 += 1 - off
            domains[domain, default: (0, 0)].1 += off
        }
        #expect(
            Dictionary(uniqueKeysWithValues: model.byConnection.map { ($0.name, [$0.enable, $0.disable]) })
                == connections.mapValues { [$0.0, $0.1] })
        #expect(
            Dictionary(uniqueKeysWithValues: model.byEmailDomain.map { ($0.name, [$0.enable, $0.disable]) })
                == domains.mapValues { [$0.0, $0.1] })
        #expect(domains["acme.com"]?.0 == 2 && domains["acme.com"]?.1 == 1, "three spellings of one domain, one tally")
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
        let shown = VisibleText.escaped
        for op in ops {
            try! expected.writeRow([
                op.id, shown(op.userID), shown(op.email ?? ""), shown(op.connection ?? ""), op.action.rawValue,
                op.current.rawValue, op.desired.rawValue, shown(op.reason), shown(op.file), String(op.line),
                op.userID.contains("\n") ? "invisible characters in user id" : "",
            ])
        }
        #expect(
            String(decoding: ChangesCSV.render(plan), as: UTF8.self) == String(decoding: expected.bytes, as: UTF8.self))
        #expect(String(decoding: ChangesCSV.render(plan), as: UTF8.self).contains("\"'=HYPERLINK(\"\"x\"\")@a.com\""))
        #expect(String(decoding: ChangesCSV.render(plan), as: UTF8.self).contains(#"oidc|two\nlines"#))
    }
}
