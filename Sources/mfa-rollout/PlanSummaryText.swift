import MFARollout

/// The plan's summary as a person reads it at a terminal.
enum PlanSummaryText {
    static func render(_ plan: PlanOutline, written: [String]) -> String {
        let s = plan.summary
        let headline: String
        switch plan.outcome {
        case .noChanges: headline = "No changes: the tenant matches the policy."
        case .changes:
            headline =
                "\(s.changes) change\(s.changes == 1 ? "" : "s") planned (\(s.enable) enable, \(s.disable) disable)."
        case .guardTripped: headline = "A guard tripped: the plan is written for review but cannot be applied."
        }
        var rows: [(String, Int)] = [
            ("rows read", s.rows), ("selected by the policy", s.selected), ("enable", s.enable),
            ("disable", s.disable), ("unchanged", s.unchanged),
        ]
        if s.normalise > 0 {
            rows.append(("normalise (not a boolean now)", s.normalise))
            for line in s.normaliseLines {
                rows.append(("  normalise: \(Terminal.visible(line.from)) → boolean", line.count))
            }
        }
        if s.keptByEnableOnly > 0 { rows.append(("kept on by enable-only", s.keptByEnableOnly)) }
        if s.keptUnowned > 0 { rows.append(("on, set outside the rollout: kept", s.keptUnowned)) }
        rows.append(("rejected rows", s.rejected))
        let width = rows.map(\.0.count).max() ?? 0
        var out = headline + "\n"
        if s.rows == 0 {
            out +=
                "0 users read: the export\(plan.inputs.filter { $0.role == .export }.count == 1 ? " holds" : "s hold") no data rows.\n"
        }
        out += "\n"
        for (label, value) in rows {
            out += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(value) + "\n"
        }
        if !s.warnings.isEmpty {
            out += "\nWarnings:\n"
            for warning in s.warnings { out += "  ! \(Terminal.visible(warning))\n" }
        }
        if let enrollment = plan.summary.enrollment {
            out += "\n" + EnrollmentProgressText.lines(enrollment).map(Terminal.visible).joined(separator: "\n") + "\n"
        }
        if !plan.guards.isEmpty {
            out += "\nGuards:\n"
            for check in plan.guards { out += "  \(check.tripped ? "✗" : "✓") \(check.explanation)\n" }
        }
        out += "\nFlag: \(Terminal.visible(plan.flag.location)) (mode \(plan.mode))\n"
        out += "Tenant: \(plan.tenant ?? "none (plan with --tenant DOMAIN to make a plan that can be applied)")\n"
        out += "Fingerprint: \(plan.fingerprint)\n"
        if !written.isEmpty { out += "Wrote: \(written.map(Terminal.visible).joined(separator: ", "))\n" }
        return out
    }
}
