import Foundation

/// The report an approver reads in a pull request: totals, changes by reason, connection and
/// email domain, guards, the fingerprint to quote, a sample of changes and the rejected rows.
package enum MarkdownReport {
    package static func render(_ model: ReportModel, planPath: String? = nil) -> String {
        let plan = model.plan
        let s = plan.summary
        var out = "# MFA rollout plan: \(model.headline)\n\n"
        if s.rows == 0 { out += "**0 users read:** the export holds no data rows.\n\n" }
        if !model.invisible.isEmpty {
            out += "> **Check these values before approving.** Characters that are invisible, reorder text or"
            out += " control a terminal are shown escaped (`\\u202e`) below, and their rows marked ⚠:\n>\n"
            for count in model.invisible { out += "> - ⚠ \(count.sentence)\n" }
            out += "\n"
        }
        if !s.warnings.isEmpty {
            out += "> **Warnings about the inputs:**\n>\n"
            for warning in s.warnings { out += "> - \(cell(warning))\n" }
            out += "\n"
        }
        out += "- Fingerprint: `\(plan.fingerprint)`\n"
        out +=
            "- Tenant: \(plan.tenant.map { "`\(code($0))`" } ?? "none (made without --tenant: it cannot be applied)")\n"
        out += "- Flag: `\(plan.flag.location)` (current value read from column `\(code(plan.flag.column))`)\n"
        out += "- Mode: `\(plan.mode)`\n"
        if let source = plan.flag.source {
            out +=
                "- Owner mark: `\(code(source.location))` = `\(code(source.value))`, written with the flag and deleted with it (current value read from column `\(code(source.column))`); enforce turns off: `\(source.disable.rawValue)`\n"
        }
        out +=
            "- Evaluated as of \(iso(plan.producer.asOf)); made \(iso(plan.producer.createdAt)) by \(plan.producer.tool) \(plan.producer.version)\n"
        out += "- Applicable: \(plan.applicable ? "yes" : "**no** (a guard tripped)")\n\n"

        out += "## Totals\n\n| | users |\n|---|---:|\n"
        out += "| rows read | \(s.rows) |\n"
        out += "| selected by the policy | \(s.selected) |\n"
        out += "| **enable** | **\(s.enable)** |\n"
        out += "| **disable** | **\(s.disable)** |\n"
        out += "| unchanged | \(s.unchanged) |\n"
        if s.normalise > 0 {
            out += "| normalise: a flag that is not a boolean, written as one | \(s.normalise) |\n"
            for line in s.normaliseLines { out += "| normalise: \(cell(line.from)) → boolean | \(line.count) |\n" }
        }
        if s.keptByEnableOnly > 0 { out += "| not selected, kept on by `enable-only` | \(s.keptByEnableOnly) |\n" }
        if s.keptUnowned > 0 { out += "| not selected, on, set outside the rollout: kept | \(s.keptUnowned) |\n" }
        out += "| rejected rows | \(s.rejected) |\n\n"

        out += "## Guards\n\n"
        if plan.guards.isEmpty {
            out += "The policy sets no guards.\n\n"
        } else {
            for check in plan.guards {
                out += "- \(check.tripped ? "❌" : "✅") \(cell(check.explanation))\n"
            }
            out += "\n"
        }

        if !model.byReason.isEmpty {
            out += "## Decisions by reason\n\n| reason | users | enable | disable |\n|---|---:|---:|---:|\n"
            for tally in model.byReason {
                out += "| \(cell(tally.name)) | \(tally.rows) | \(tally.enable) | \(tally.disable) |\n"
            }
            out += "\n"
        }
        if !s.byMembership.isEmpty {
            out += "## Selected by role and organization\n\n| role or organization | selected |\n|---|---:|\n"
            for (name, count) in s.byMembership.sorted(by: { $0.key < $1.key }) {
                out += "| \(cell(name)) | \(count) |\n"
            }
            out += "\n"
        }
        if let enrollment = s.enrollment { out += EnrollmentProgressText.markdown(enrollment) }
        if s.changes > 0 {
            out += tallyTable("Changes by connection", "connection", model.byConnection)
            out += tallyTable("Changes by email domain", "domain", model.byEmailDomain)
            let shown = model.sample.count
            out +=
                "## Sample of changes (\(shown == s.changes ? "all \(shown)" : "first \(shown) of \(s.changes)"))\n\n"
            out += "| user id | email | connection | action | current → desired | reason |\n|---|---|---|---|---|---|\n"
            for op in model.sample {
                let warning = ReportModel.invisibleWarning(op)
                let flag = warning.isEmpty ? "" : " ⚠ \(warning)"
                out +=
                    "| `\(code(op.userID))`\(flag) | \(cell(op.email ?? "")) | \(cell(op.connection ?? "")) | \(op.action.rawValue) | \(op.current.rawValue) → \(op.desired.rawValue) | \(cell(op.reason)) |\n"
            }
            out += "\n"
        }

        if s.keptUnowned > 0 {
            let shown = s.keptUnownedSample.count
            out +=
                "## On, set outside the rollout: kept (\(shown == s.keptUnowned ? "all \(shown)" : "first \(shown) of \(s.keptUnowned)"))\n\n"
            out += "The policy does not select these users, but their flag was not set by the rollout (no owner mark),"
            out += " so `disable: owned-only` leaves it as it is.\n\n"
            out += "| user id | email | flag | file | line |\n|---|---|---|---|---:|\n"
            for kept in s.keptUnownedSample {
                out +=
                    "| `\(code(kept.userID))` | \(cell(kept.email ?? "")) | \(kept.current.rawValue) | \(cell(kept.file)) | \(kept.line) |\n"
            }
            out += "\n"
        }

        if !plan.rejected.isEmpty {
            let shown = plan.rejected.prefix(50)
            out +=
                "## Rejected rows (\(shown.count == plan.rejected.count ? "all \(shown.count)" : "first \(shown.count) of \(plan.rejected.count)"))\n\n"
            out += "These rows were set aside (`--on-invalid skip`) and no change is planned for them.\n\n"
            out += "| file | line | user id | reason |\n|---|---:|---|---|\n"
            for row in shown {
                out +=
                    "| \(cell(row.file)) | \(row.line) | \(row.userID.map { "`\(code($0))`" } ?? "") | \(cell(row.reason)) |\n"
            }
            out += "\n"
        }

        out += "## Inputs\n\n| role | file | SHA-256 |\n|---|---|---|\n"
        for input in plan.inputs {
            out += "| \(input.role.rawValue) | \(cell(input.path)) | `\(input.sha256)` |\n"
        }
        out += "\n"

        if plan.outcome == .changes {
            out += "## To apply\n\nAfter approval, apply exactly this plan:\n\n"
            out +=
                "```\nmfa-rollout apply \(planPath ?? "plan.json") --domain \(plan.tenant ?? "TENANT") --approve \(plan.fingerprint)\n```\n"
        }
        return out
    }

    private static func tallyTable(_ title: String, _ column: String, _ tallies: [ReportModel.Tally]) -> String {
        var out = "## \(title)\n\n| \(column) | enable | disable |\n|---|---:|---:|\n"
        for tally in tallies {
            out += "| \(cell(tally.name)) | \(tally.enable) | \(tally.disable) |\n"
        }
        return out + "\n"
    }

    /// Text from the export is user input: keep it from breaking the table or becoming markup,
    /// with its invisible and control characters escaped (see `VisibleText`).
    static func cell(_ text: String) -> String {
        var out = ""
        for ch in VisibleText.escaped(text) {
            switch ch {
            case "\n", "\r", "\t": out.append(" ")
            case "|", "\\", "`", "*", "_", "[", "]", "<", ">", "#", "!", "~", "&":
                out.append("\\")
                out.append(ch)
            default: out.append(ch)
            }
        }
        return out
    }

    /// Inside a code span only backticks matter, and `|`, which still splits tables; invisible
    /// and control characters, line ends included, are escaped (see `VisibleText`).
    static func code(_ text: String) -> String {
        String(VisibleText.escaped(text).map { $0 == "`" ? "'" : $0 }).replacingOccurrences(of: "|", with: "\\|")
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
