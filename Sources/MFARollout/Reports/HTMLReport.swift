import Foundation
import Mustache

/// The report as one self-contained HTML file: no scripts, no external resources, and every
/// text HTML-escaped with its invisible and control characters shown (`HTMLText`: emails are
/// user input). Long values wrap, so the page fits a narrow window; a list or table with
/// nothing in it is replaced by a sentence saying so. The output passes the W3C validator
/// (`scripts/validate-html.sh`).
package enum HTMLReport {
    package static func render(_ model: ReportModel, planPath: String? = nil) -> String {
        let plan = model.plan
        let s = plan.summary
        func tallies(_ list: [ReportModel.Tally]) -> [[String: Any]] {
            list.map { ["name": $0.name, "enable": $0.enable, "disable": $0.disable] }
        }
        var totals: [[String: Any]] = [
            ["label": "rows read", "value": s.rows],
            ["label": "selected by the policy", "value": s.selected],
            ["label": "enable", "value": s.enable, "strong": true],
            ["label": "disable", "value": s.disable, "strong": true],
            ["label": "unchanged", "value": s.unchanged],
        ]
        if s.normalise > 0 {
            totals.append(["label": "normalise: a flag that is not a boolean, written as one", "value": s.normalise])
            for line in s.normaliseLines {
                totals.append(["label": "normalise: \(line.from) → boolean", "value": line.count])
            }
        }
        if s.keptByEnableOnly > 0 {
            totals.append(["label": "not selected, kept on by enable-only", "value": s.keptByEnableOnly])
        }
        if s.keptUnowned > 0 {
            totals.append(["label": "not selected, on, set outside the rollout: kept", "value": s.keptUnowned])
        }
        totals.append(["label": "rejected rows", "value": s.rejected])

        let context: [String: Any] = [
            "headline": model.headline,
            "noUsers": s.rows == 0,
            "outcome": plan.outcome.rawValue,
            "fingerprint": plan.fingerprint,
            "tenant": plan.tenant ?? "none (made without --tenant: it cannot be applied)",
            "applyDomain": plan.tenant ?? "TENANT",
            "flag": plan.flag.location,
            "column": plan.flag.column,
            "mode": plan.mode.rawValue,
            "hasSource": plan.flag.source != nil,
            "source": plan.flag.source.map {
                ["location": $0.location, "value": $0.value, "column": $0.column, "disable": $0.disable.rawValue]
            } ?? [:],
            "hasInputWarnings": !s.warnings.isEmpty,
            "inputWarnings": s.warnings,
            "hasMembership": !s.byMembership.isEmpty,
            "byMembership": s.byMembership.sorted(by: { $0.key < $1.key }).map {
                ["name": $0.key, "selected": $0.value] as [String: Any]
            },
            "hasKept": s.keptUnowned > 0,
            "keptTitle": s.keptUnownedSample.count == s.keptUnowned
                ? "all \(s.keptUnowned)" : "first \(s.keptUnownedSample.count) of \(s.keptUnowned)",
            "kept": s.keptUnownedSample.map {
                [
                    "userID": $0.userID, "email": $0.email ?? "", "current": $0.current.rawValue, "file": $0.file,
                    "line": $0.line,
                ] as [String: Any]
            },
            "asOf": MarkdownReport.iso(plan.producer.asOf),
            "createdAt": MarkdownReport.iso(plan.producer.createdAt),
            "tool": "\(plan.producer.tool) \(plan.producer.version)",
            "applicable": plan.applicable,
            "hasWarnings": !model.invisible.isEmpty,
            "warnings": model.invisible.map(\.sentence),
            "totals": totals,
            "guards": plan.guards.map { ["text": $0.explanation, "tripped": $0.tripped] },
            "hasGuards": !plan.guards.isEmpty,
            "hasReasons": !model.byReason.isEmpty,
            "hasChanges": s.changes > 0,
            "byReason": model.byReason.map {
                ["name": $0.name, "rows": $0.rows, "enable": $0.enable, "disable": $0.disable]
            },
            "byConnection": tallies(model.byConnection),
            "byDomain": tallies(model.byEmailDomain),
            "sampleTitle": model.sample.count == s.changes
                ? "all \(s.changes)" : "first \(model.sample.count) of \(s.changes)",
            "sample": model.sample.map {
                [
                    "userID": $0.userID, "email": $0.email ?? "", "connection": $0.connection ?? "",
                    "action": $0.action.rawValue, "current": $0.current.rawValue, "desired": $0.desired.rawValue,
                    "reason": $0.reason, "warning": ReportModel.invisibleWarning($0),
                    "flagged": !ReportModel.invisibleWarning($0).isEmpty,
                ] as [String: Any]
            },
            "hasRejected": !plan.rejected.isEmpty,
            "rejectedTitle": plan.rejected.count > 50
                ? "first 50 of \(plan.rejected.count)" : "all \(plan.rejected.count)",
            "rejected": plan.rejected.prefix(50).map {
                ["file": $0.file, "line": $0.line, "userID": $0.userID ?? "", "reason": $0.reason] as [String: Any]
            },
            "hasEnrollment": s.enrollment != nil,
            "enrollmentColumn": s.enrollment?.column ?? "",
            "enrollment": s.enrollment.map(Self.enrollmentRows) ?? [],
            "inputs": plan.inputs.map { ["role": $0.role.rawValue, "path": $0.path, "sha256": $0.sha256] },
            "canApply": plan.outcome == .changes,
            "planPath": planPath ?? "plan.json",
        ]
        // Every text goes in as HTML already (`HTMLText`): the template uses `{{{…}}}` only.
        return template.render(visible(context))
    }

    /// The enrollment table's rows: the total, then by reason, then by rollout wave.
    private static func enrollmentRows(_ e: PlanSummary.Enrollment) -> [[String: Any]] {
        func row(_ label: String, _ counts: PlanSummary.EnrollmentCounts, strong: Bool = false) -> [String: Any] {
            [
                "label": label, "flagged": counts.flagged, "enrolled": counts.enrolled,
                "share": EnrollmentProgressText.percent(counts.share), "strong": strong,
            ]
        }
        return [row("total", e.total, strong: true)]
            + e.byReason.sorted { $0.key < $1.key }.map { row($0.key, $0.value) }
            + e.waves.map { row("rollout wave \($0.wave)", $0.counts) }
    }

    /// `value` with every string in it, however nested, made HTML by `HTMLText.visible`.
    private static func visible(_ value: Any) -> Any {
        switch value {
        case let text as String: HTMLText.visible(text)
        case let list as [Any]: list.map(visible)
        case let dictionary as [String: Any]: dictionary.mapValues(visible)
        default: value
        }
    }

    // The template is compiled once; a syntax error in it is a programming error caught by the tests.
    private static let template: MustacheTemplate = try! MustacheTemplate(string: source)

    private static let source = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>MFA rollout plan: {{{headline}}}</title>
        <style>
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1b1f24; }
        h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
        table { border-collapse: collapse; margin: .5rem 0; max-width: 100%; } td, th { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
        td.v { overflow-wrap: anywhere; }
        th { background: #f6f8fa; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
        code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: .1rem .3rem; border-radius: 4px; word-break: break-all; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; }
        li { overflow-wrap: anywhere; }
        .outcome { display: inline-block; padding: .2rem .6rem; border-radius: 1rem; font-weight: 600; }
        .changes { background: #fff8c5; } .no-changes { background: #dafbe1; } .guard-tripped { background: #ffebe9; }
        .tripped { color: #cf222e; font-weight: 600; } .holds { color: #1a7f37; }
        .esc { color: #cf222e; background: #ffebe9; border: 1px solid #ff8182; border-radius: 3px; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; padding: 0 .15rem; }
        .warning { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: .5rem 1rem; }
        .flag { color: #9a6700; font-size: 13px; }
        </style>
        </head>
        <body>
        <h1>MFA rollout plan</h1>
        <p><span class="outcome {{{outcome}}}">{{{headline}}}</span></p>
        {{#noUsers}}<p class="warning"><strong>0 users read:</strong> the export holds no data rows.</p>{{/noUsers}}
        {{#hasWarnings}}
        <div class="warning">
        <p><strong>Check these values before approving.</strong> Characters that are invisible, reorder text or control a terminal are shown escaped and <span class="esc">highlighted</span> below.</p>
        <ul>
        {{#warnings}}<li>{{{.}}}</li>
        {{/warnings}}</ul>
        </div>
        {{/hasWarnings}}
        {{#hasInputWarnings}}
        <div class="warning">
        <p><strong>Warnings about the inputs:</strong></p>
        <ul>
        {{#inputWarnings}}<li>{{{.}}}</li>
        {{/inputWarnings}}</ul>
        </div>
        {{/hasInputWarnings}}
        <ul>
        <li>Fingerprint: <code>{{{fingerprint}}}</code></li>
        <li>Tenant: <code>{{{tenant}}}</code></li>
        <li>Flag: <code>{{{flag}}}</code> (current value read from column <code>{{{column}}}</code>)</li>
        <li>Mode: <code>{{{mode}}}</code></li>
        {{#hasSource}}{{#source}}<li>Owner mark: <code>{{{location}}}</code> = <code>{{{value}}}</code>, written with the flag and deleted with it (current value read from column <code>{{{column}}}</code>); enforce turns off: <code>{{{disable}}}</code></li>{{/source}}{{/hasSource}}
        <li>Evaluated as of {{{asOf}}}; made {{{createdAt}}} by {{{tool}}}</li>
        <li>Applicable: {{#applicable}}yes{{/applicable}}{{^applicable}}<strong>no</strong> (a guard tripped){{/applicable}}</li>
        </ul>
        <h2>Totals</h2>
        <table>
        {{#totals}}<tr><th>{{{label}}}</th><td class="n">{{#strong}}<strong>{{{value}}}</strong>{{/strong}}{{^strong}}{{{value}}}{{/strong}}</td></tr>
        {{/totals}}</table>
        <h2>Guards</h2>
        {{^hasGuards}}<p>The policy sets no guards.</p>{{/hasGuards}}
        {{#hasGuards}}<ul>
        {{#guards}}<li class="{{#tripped}}tripped{{/tripped}}{{^tripped}}holds{{/tripped}}">{{{text}}}</li>
        {{/guards}}</ul>{{/hasGuards}}
        <h2>Decisions by reason</h2>
        {{^hasReasons}}<p>No user was decided: the export holds no users.</p>{{/hasReasons}}
        {{#hasReasons}}<table><tr><th>reason</th><th>users</th><th>enable</th><th>disable</th></tr>
        {{#byReason}}<tr><td class="v">{{{name}}}</td><td class="n">{{{rows}}}</td><td class="n">{{{enable}}}</td><td class="n">{{{disable}}}</td></tr>
        {{/byReason}}</table>{{/hasReasons}}
        {{#hasMembership}}
        <h2>Selected by role and organization</h2>
        <table><tr><th>role or organization</th><th>selected</th></tr>
        {{#byMembership}}<tr><td class="v">{{{name}}}</td><td class="n">{{{selected}}}</td></tr>
        {{/byMembership}}</table>
        {{/hasMembership}}
        {{#hasEnrollment}}
        <h2>Enrollment progress</h2>
        <p>Users whose flag is on, or will be on after this plan, who have enrolled an MFA factor (export column <code>{{{enrollmentColumn}}}</code> non-empty).</p>
        <table><tr><th>users</th><th>flagged</th><th>enrolled</th><th>share</th></tr>
        {{#enrollment}}<tr><td class="v">{{#strong}}<strong>{{/strong}}{{{label}}}{{#strong}}</strong>{{/strong}}</td><td class="n">{{{flagged}}}</td><td class="n">{{{enrolled}}}</td><td class="n">{{{share}}}</td></tr>
        {{/enrollment}}</table>{{/hasEnrollment}}
        {{#hasChanges}}
        <h2>Changes by connection</h2>
        <table><tr><th>connection</th><th>enable</th><th>disable</th></tr>
        {{#byConnection}}<tr><td class="v">{{{name}}}</td><td class="n">{{{enable}}}</td><td class="n">{{{disable}}}</td></tr>
        {{/byConnection}}</table>
        <h2>Changes by email domain</h2>
        <table><tr><th>domain</th><th>enable</th><th>disable</th></tr>
        {{#byDomain}}<tr><td class="v">{{{name}}}</td><td class="n">{{{enable}}}</td><td class="n">{{{disable}}}</td></tr>
        {{/byDomain}}</table>
        <h2>Sample of changes ({{{sampleTitle}}})</h2>
        <table><tr><th>user id</th><th>email</th><th>connection</th><th>action</th><th>current → desired</th><th>reason</th></tr>
        {{#sample}}<tr><td class="v"><code>{{{userID}}}</code>{{#flagged}}<br><span class="flag">⚠ {{{warning}}}</span>{{/flagged}}</td><td class="v">{{{email}}}</td><td class="v">{{{connection}}}</td><td>{{{action}}}</td><td>{{{current}}} → {{{desired}}}</td><td class="v">{{{reason}}}</td></tr>
        {{/sample}}</table>
        {{/hasChanges}}
        {{#hasKept}}
        <h2>On, set outside the rollout: kept ({{{keptTitle}}})</h2>
        <p>The policy does not select these users, but their flag was not set by the rollout (no owner mark), so <code>disable: owned-only</code> leaves it as it is.</p>
        <table><tr><th>user id</th><th>email</th><th>flag</th><th>file</th><th>line</th></tr>
        {{#kept}}<tr><td class="v"><code>{{{userID}}}</code></td><td class="v">{{{email}}}</td><td>{{{current}}}</td><td class="v">{{{file}}}</td><td class="n">{{{line}}}</td></tr>
        {{/kept}}</table>
        {{/hasKept}}
        {{#hasRejected}}
        <h2>Rejected rows ({{{rejectedTitle}}})</h2>
        <p>These rows were set aside (<code>--on-invalid skip</code>) and no change is planned for them.</p>
        <table><tr><th>file</th><th>line</th><th>user id</th><th>reason</th></tr>
        {{#rejected}}<tr><td class="v">{{{file}}}</td><td class="n">{{{line}}}</td><td class="v"><code>{{{userID}}}</code></td><td class="v">{{{reason}}}</td></tr>
        {{/rejected}}</table>
        {{/hasRejected}}
        <h2>Inputs</h2>
        <table><tr><th>role</th><th>file</th><th>SHA-256</th></tr>
        {{#inputs}}<tr><td>{{{role}}}</td><td class="v">{{{path}}}</td><td class="v"><code>{{{sha256}}}</code></td></tr>
        {{/inputs}}</table>
        {{#canApply}}
        <h2>To apply</h2>
        <p>After approval, apply exactly this plan:</p>
        <pre><code>mfa-rollout apply {{{planPath}}} --domain {{{applyDomain}}} --approve {{{fingerprint}}}</code></pre>
        {{/canApply}}
        </body>
        </html>

        """
}
