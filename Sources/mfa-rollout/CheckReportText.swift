import Rollout

/// `mfa-rollout check` as text: one line per check, `pass`/`warn`/`FAIL`, each warning and
/// failure followed by its fix.
enum CheckReportText {
    static func render(_ report: TenantCheckReport, domain: String) -> String {
        var lines = ["tenant check of \(Terminal.visible(domain)) for \(report.flag)"]
        for result in report.results {
            let tag =
                switch result.verdict {
                case .pass: "pass"
                case .warn: "warn"
                case .fail: "FAIL"
                }
            lines.append(
                "  \(tag)  \(result.id.padding(toLength: 14, withPad: " ", startingAt: 0)) \(Terminal.visible(result.message))"
            )
            if let fix = result.fix, result.verdict != .pass {
                lines.append("        \(String(repeating: " ", count: 14))  fix: \(Terminal.visible(fix))")
            }
        }
        let counts = [TenantCheckReport.Verdict.pass, .warn, .fail].map { verdict in
            "\(report.results.filter { $0.verdict == verdict }.count) \(verdict.rawValue)"
        }
        lines.append(
            report.flagIsRead && !report.policyMakesFlagMoot
                ? "MFA follows the flag: \(counts.joined(separator: ", "))"
                : "the flag does NOT lead to MFA yet: \(counts.joined(separator: ", "))")
        return lines.joined(separator: "\n") + "\n"
    }
}
