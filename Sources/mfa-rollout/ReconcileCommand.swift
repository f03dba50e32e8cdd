import ArgumentParser
import Foundation
import MFARollout
import ManagementAPI
import Rollout

/// `mfa-rollout reconcile`: export → plan → (approve | auto-apply), for cron, systemd and CI.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract:
            "Export the tenant, plan against the policy, write plan, reports and metrics; optionally apply. For schedulers.",
        discussion: """
            Starts an Auth0 users export with exactly the fields the policy reads (and \
            multifactor[0], for enrollment progress), waits for it \
            (--export-timeout), downloads it (fresh links are fetched when one expires), plans, and \
            writes plan-STAMP.json, report-STAMP.md, report-STAMP.html and changes-STAMP.csv into \
            --out (STAMP is the UTC start time, e.g. 20261123T203000Z). The export is deleted \
            afterwards unless --keep-export.

            Each plan is made for the tenant of --domain (a policy naming another tenant is refused). \
            Without --auto-apply it stops there, with the plan's exit codes. With --auto-apply a \
            plan whose guards hold is applied at once through the same engine as `apply` (journal \
            beside the plan), approved by its own fingerprint: the plan this run just made and no \
            other. A tripped guard applies nothing. Before the export, --auto-apply runs the tenant \
            check of `mfa-rollout check` and refuses (exit 1, nothing sent) when no deployed \
            post-login Action or enabled Rule reads the flag, the MFA policy makes it moot, or a read \
            scope is missing; --skip-check overrides (the summary records it).

            Two runs on the same --out never overlap: the second exits 1 at once, naming the PID \
            and start time of the first (flock on --out/.mfa-rollout.lock; released by the kernel \
            if a run dies). Every run leaves reconcile-summary.json and mfa_rollout.prom \
            (node_exporter textfile collector) in --out, also when it fails.

            With --auto-apply --enroll, users turned on also get an MFA enrollment ticket, as with \
            `apply --enroll`; with --no-send-mail the URLs go to PLAN.tickets.csv beside each plan \
            (mode 600) or --ticket-file.

            Exit codes: 0 in sync (or, with --auto-apply, everything applied), 2 changes await \
            approval, 3 a guard tripped (nothing applied), 4 some operations failed, 1 error \
            (including another run holding the lock).
            """
    )

    @Option(help: ArgumentHelp("The policy file (YAML). Its columns must be Auth0 field paths.", valueName: "file"))
    var policy: String

    @Option(
        help: ArgumentHelp("Directory for plans, reports, metrics and the lock (created if missing).", valueName: "dir")
    )
    var out: String

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    @Flag(name: .customLong("auto-apply"), help: "Apply the plan at once when its guards hold.")
    var autoApply = false

    @Flag(
        name: .customLong("allow-disable"),
        help: "With --auto-apply: carry out operations that turn MFA off (enforce mode).")
    var allowDisable = false

    @Flag(
        name: .customLong("verify-current"),
        help: "With --auto-apply: GET each user first and skip those whose flag changed since the export.")
    var verifyCurrent = false

    @Option(
        name: .customLong("max-failures"),
        help: ArgumentHelp("With --auto-apply: stop once more than N operations failed.", valueName: "n"))
    var maxFailures: Int?

    @OptionGroup(title: "Tenant check (with --auto-apply)")
    var check: TenantCheckGate.Options

    @OptionGroup(title: "Enrollment (with --auto-apply)")
    var enrollment: EnrollmentArguments

    @Option(
        name: .customLong("export-timeout"),
        help: ArgumentHelp(
            "Give up when the export job has not completed after this long: 90s, 30m, 2h.",
            valueName: "duration"))
    var exportTimeout: String = "30m"

    @Flag(name: .customLong("keep-export"), help: "Keep the downloaded export (export-STAMP.csv.gz) in --out.")
    var keepExport = false

    @Option(
        name: .customLong("on-invalid"),
        help: ArgumentHelp("fail (default) or skip bad export rows.", valueName: "fail|skip"))
    var onInvalid: InvalidRowHandling = .fail

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp(
            "With --auto-apply: where the host-wide run locks live (as for apply).", valueName: "dir"))
    var stateDirectory: String?

    @Flag(help: "Print the run's summary (reconcile-summary.json) on standard output.")
    var json = false

    func validate() throws {
        guard let seconds = DurationText.parse(exportTimeout), seconds > 0 else {
            throw ValidationError("--export-timeout \(exportTimeout): expected a duration such as 90s, 30m or 2h")
        }
        if let maxFailures, maxFailures < 0 { throw ValidationError("--max-failures must be 0 or more") }
        if !autoApply && (allowDisable || verifyCurrent || maxFailures != nil || enrollment.enroll) {
            throw ValidationError(
                "--allow-disable, --verify-current, --max-failures and --enroll apply only with --auto-apply")
        }
    }

    func run() async throws {
        let settings: ConnectionSettings
        var checkOutcome: String?
        do {
            settings = try connection.settings()
            _ = try settings.endpoint()
            if autoApply {
                // Before the export: a run that would be refused sends nothing.
                checkOutcome = try await TenantCheckGate.require(
                    settings: settings, flag: try FlagSource.flag(policy: policy, plan: nil), reconcile: true,
                    enroll: enrollment.enroll, skip: check.skipCheck)
            }
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
        var request = ReconcileRequest(
            policyPath: policy, outDirectory: out, connection: settings, autoApply: autoApply,
            applyOptions: ApplyOptions(
                allowDisable: allowDisable, verifyCurrent: verifyCurrent, maxFailures: maxFailures,
                concurrency: connection.concurrency, enroll: enrollment.options(forPlan: nil)),
            polling: .init(timeout: .seconds(DurationText.parse(exportTimeout) ?? 1800)),
            keepExport: keepExport, onInvalid: onInvalid,
            stateDirectory: stateDirectory ?? PlanRunLock.defaultDirectory())
        request.tenantCheck = checkOutcome

        let signals = SignalHolder()
        defer { signals.cancel() }
        let summary: ReconcileSummary
        do {
            summary = try await Reconciler(request).run(onEvent: { event in
                switch event {
                case .locked: break
                case .exportStatus(let job):
                    Terminal.note("export \(job.id): \(ReconcileSummaryText.status(of: job))")
                case .exported(let result):
                    Terminal.note("export \(result.jobID) downloaded (\(result.bytes) bytes)")
                case .planned(let plan, let path):
                    Terminal.note(
                        "planned \(plan.operations.count) change(s) from \(plan.summary.rows) rows: \(path) (\(plan.outcome.rawValue))"
                    )
                case .applying(let engine):
                    Terminal.note("applying \(engine.plan.outline.operationCount) operation(s) to \(settings.domain)")
                    signals.install { signal in
                        Terminal.interruptionNote(
                            "\(signal) received: finishing the requests in flight, starting no new ones")
                        engine.stop()
                    }
                case .applied(let applied):
                    Terminal.note(
                        "applied: \(applied.done) done, \(applied.failed) failed, \(applied.pending) not done")
                }
            })
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
        if json {
            Terminal.standardOutput(String(decoding: summary.encoded(), as: UTF8.self))
        } else {
            Terminal.standardOutput(ReconcileSummaryText.render(summary))
        }
        if let error = summary.error { Terminal.error(error) }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}
