/// Enrollment progress as report text: of the users whose flag is or will be on, how many
/// have enrolled a factor, in total, by reason and by rollout wave.
package enum EnrollmentProgressText {
    /// `12 of 40 (30.0 %)`
    package static func fraction(_ counts: PlanSummary.EnrollmentCounts) -> String {
        "\(counts.enrolled) of \(counts.flagged) (\(percent(counts.share)))"
    }

    static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10) %"
    }

    /// The "Enrollment progress" section of the Markdown report.
    package static func markdown(_ e: PlanSummary.Enrollment) -> String {
        var out = "## Enrollment progress\n\n"
        out += "Users whose flag is on, or will be on after this plan, who have enrolled an MFA factor"
        out += " (export column `\(MarkdownReport.code(e.column))` non-empty).\n\n"
        out += "| | flagged | enrolled | share |\n|---|---:|---:|---:|\n"
        out += "| **total** | \(e.total.flagged) | \(e.total.enrolled) | \(percent(e.total.share)) |\n"
        for (reason, counts) in e.byReason.sorted(by: { $0.key < $1.key }) {
            out +=
                "| \(MarkdownReport.cell(reason)) | \(counts.flagged) | \(counts.enrolled) | \(percent(counts.share)) |\n"
        }
        for (wave, counts) in e.waves {
            out += "| rollout wave \(wave) | \(counts.flagged) | \(counts.enrolled) | \(percent(counts.share)) |\n"
        }
        return out + "\n"
    }

    /// Plain lines for a terminal summary: the total, then one line per reason and wave.
    package static func lines(_ e: PlanSummary.Enrollment) -> [String] {
        var lines = ["enrolled: \(fraction(e.total)) of the users whose flag is or will be on"]
        for (reason, counts) in e.byReason.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(reason): \(fraction(counts))")
        }
        for (wave, counts) in e.waves { lines.append("  rollout wave \(wave): \(fraction(counts))") }
        return lines
    }
}
