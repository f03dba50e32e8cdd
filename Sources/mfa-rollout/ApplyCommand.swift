import ArgumentParser
import Dispatch
import Foundation
import Logging
import MFARollout
import ManagementAPI
import Rollout

/// `mfa-rollout apply`: carries out exactly an approved plan, resumably.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Carry out exactly an approved plan against the Auth0 Management API (rate-limited, resumable).",
        discussion: """
            Sends one PATCH /api/v2/users/{id} per operation, setting only the plan's flag key. Every \
            operation is journaled (SQLite, beside the plan) before and after its request: run the same \
            command again after an interruption or a crash to resume; done operations are never sent twice.

            Refuses (exit 1, nothing sent) a plan that was edited, a plan whose guards tripped, a plan \
            without --approve (on a terminal it asks for the fingerprint's first 12 hex digits instead) or \
            with another fingerprint, a --domain other than the tenant the plan was made for, a plan older \
            than --max-age without --allow-stale, disable operations without --allow-disable, a second \
            run of the same plan against the same tenant while one is in progress on this host, and (unless \
            --skip-check) a tenant where no deployed post-login Action or enabled Rule reads the flag, or \
            whose MFA policy makes it moot, or whose token cannot read what `mfa-rollout check` reads.

            SIGINT/SIGTERM stop gracefully: no new operation starts, requests in flight finish and are \
            journaled. A second signal exits at once (the journal is still consistent).

            With --enroll, each user whose flag the run turns on also gets an MFA enrollment ticket \
            (POST /api/v2/guardian/enrollments/ticket), journaled like the PATCHes: a resume never \
            requests a ticket the journal records as created. Auth0 emails it; with --no-send-mail \
            the ticket URLs go only to --ticket-file (created mode 600), never to the output.

            Exit codes: 0 every operation done, 4 some operations (or tickets) failed, 1 error or \
            stopped early.
            """
    )

    @Argument(help: ArgumentHelp("The plan file (from `mfa-rollout plan --out`).", valueName: "plan.json"))
    var plan: String

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    @Option(
        help: ArgumentHelp(
            "The approved fingerprint (sha256:…), or at least its first 12 hex digits. Required: without it, apply asks on a terminal and refuses elsewhere.",
            valueName: "fingerprint"))
    var approve: String?

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp(
            "Where the host-wide run locks live (default: $MFA_ROLLOUT_STATE_DIR, else $XDG_STATE_HOME/mfa-rollout, else ~/.local/state/mfa-rollout).",
            valueName: "dir"))
    var stateDirectory: String?

    @Option(
        name: .customLong("max-age"),
        help: ArgumentHelp(
            "Refuse a plan older than this (from its created_at): 90m, 24h, 2d, or seconds.", valueName: "age"))
    var maxAge: String = "24h"

    @Flag(name: .customLong("allow-stale"), help: "Apply a plan older than --max-age.")
    var allowStale = false

    @Flag(
        name: .customLong("allow-disable"),
        help: "Carry out operations that turn MFA off (disable, and undo plans' unset).")
    var allowDisable = false

    @Flag(
        name: .customLong("verify-current"),
        help:
            "GET each user first; skip (status skipped-drift) operations whose flag no longer has the plan's current value."
    )
    var verifyCurrent = false

    @Option(
        name: .customLong("max-failures"),
        help: ArgumentHelp("Stop cleanly once more than N operations failed in this run.", valueName: "n"))
    var maxFailures: Int?

    @Option(help: ArgumentHelp("The journal file (default: PLAN.journal.sqlite).", valueName: "file"))
    var journal: String?

    @OptionGroup(title: "Tenant check")
    var check: TenantCheckGate.Options

    @OptionGroup(title: "Enrollment")
    var enrollment: EnrollmentArguments

    @Flag(help: "Print the summary as JSON on standard output.")
    var json = false

    func validate() throws {
        guard DurationText.parse(maxAge) != nil else {
            throw ValidationError(
                "--max-age \(maxAge): expected a duration such as 90m, 24h, 2d or a number of seconds")
        }
        if let maxFailures, maxFailures < 0 { throw ValidationError("--max-failures must be 0 or more") }
    }

    func run() async throws {
        do {
            try await apply()
        } catch let code as ExitCode {
            throw code
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
    }

    private func apply() async throws {
        let plan = try PlanStream.open(path: self.plan)
        let tenant = try TenantDomain(connection.domain).canonical
        try ApplyApproval.checkTenant(plan, target: connection.domain)
        let options = ApplyOptions(
            approvedFingerprint: try approve ?? ApprovalPrompt.ask(for: plan),
            maxAge: DurationText.parse(maxAge) ?? ApplyOptions.defaultMaxAge,
            allowStale: allowStale, allowDisable: allowDisable, verifyCurrent: verifyCurrent, maxFailures: maxFailures,
            concurrency: connection.concurrency, enroll: enrollment.options(forPlan: self.plan))
        // Refusals first: nothing is created or sent for a plan that will not be applied.
        try ApplyApproval.check(plan, tenant: connection.domain, options: options)
        let settings = try connection.settings()
        _ = try settings.endpoint()
        let flag = try FlagSource.flag(of: plan.outline.flag, in: self.plan)
        let checkOutcome = try await TenantCheckGate.require(
            settings: settings, flag: flag, reconcile: false, enroll: enrollment.enroll, skip: check.skipCheck)
        // One run of this plan against this tenant on this host at a time, whatever the journal.
        let journalPath = journal ?? ApplyJournal.defaultPath(forPlan: self.plan)
        let planLock = try PlanRunLock.acquire(
            tenant: tenant, fingerprint: plan.outline.fingerprint,
            directory: stateDirectory ?? PlanRunLock.defaultDirectory(),
            journal: journalPath)
        defer { planLock.release() }
        let journal = try ApplyJournal.open(path: journalPath, plan: plan, tenant: tenant)

        // Failures are in the journal and the summary; the log only gets what is worse.
        var logger = Logger(label: "mfa-rollout.apply")
        logger.logLevel = .error
        var summary = try await ManagementConnection.with(settings, logger: logger) { connection in
            let engine = ApplyEngine(
                plan: plan, journal: journal, client: connection.client, options: options, logger: logger)
            let limit = connection.rateLimiter.configured
            Terminal.note(
                "applying plan \(plan.outline.fingerprint) (\(plan.outline.operationCount) operations) to \(settings.domain) at \(DurationText.rate(limit.rate))/s, burst \(limit.burst), up to \(settings.concurrency) requests in flight"
            )
            let progress = ProgressLine()
            let signals = SignalStopper { signal in
                progress.note(
                    "\(signal) received: finishing the requests in flight, starting no new ones (again to quit at once)"
                )
                engine.stop()
            }
            defer { signals.cancel() }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    if !Task.isCancelled {
                        progress.update { ApplyProgressLine.render(engine.progress(), style: $0) }
                    }
                }
            }
            defer { ticker.cancel() }
            let summary = try await engine.run()
            ticker.cancel()
            progress.finish()
            return summary
        }
        summary.tenantCheck = checkOutcome
        if json {
            Terminal.standardOutput(try Terminal.json(summary))
        } else {
            Terminal.standardOutput(ApplySummaryText.render(summary, resume: resumeCommand()))
        }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// The command to run again to resume. Safe to print: secrets never come on the command line.
    private func resumeCommand() -> String {
        (["mfa-rollout"] + CommandLine.arguments.dropFirst()).map(ShellQuoting.word).joined(separator: " ")
    }
}
