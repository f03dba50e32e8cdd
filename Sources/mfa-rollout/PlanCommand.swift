import ArgumentParser
import Foundation
import MFARollout

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "Decide who should have MFA, diff against the export, and write a plan and reports. Never touches the network.",
        discussion: """
            Reads one or more user exports (Auth0's gzip CSV export or any CSV) and a policy file, and works \
            out which users' flag must change. Nothing is sent anywhere: the plan is dry by construction.

            Exit codes: 0 no changes needed, 2 changes planned, 3 a guard tripped (the report and plan are \
            written, the plan is marked not applicable), 1 error (nothing written).
            """
    )

    @Option(
        name: .customLong("users"),
        help: ArgumentHelp(
            "A user export: .csv or .csv.gz, or - for standard input. Repeat for several exports (user ids must be unique across them).",
            valueName: "file"))
    var users: [String] = []

    @Option(help: ArgumentHelp("The policy file (YAML).", valueName: "file"))
    var policy: String

    @Option(
        help: ArgumentHelp(
            "The tenant the plan is for (tenant.eu.auth0.com, or HOST:PORT for the local emulator); apply refuses any other. Or tenant: in the policy. A plan without one cannot be applied.",
            valueName: "domain"))
    var tenant: String?

    @Option(help: ArgumentHelp("Write the plan (JSON) here. Without it no plan file is written.", valueName: "file"))
    var out: String?

    @Flag(
        help:
            "Replace a plan that has been applied (it has a journal): the old plan and its journal are moved aside, never deleted."
    )
    var force = false

    @Option(help: ArgumentHelp("Write the Markdown report for approvers here.", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("Write the self-contained HTML report here.", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Write every planned change as CSV here.", valueName: "file"))
    var changes: String?

    @Option(
        name: .customLong("on-invalid"),
        help: ArgumentHelp(
            "fail: stop at the first bad row (exit 1, nothing written). skip: set bad rows aside, listed with their reason in the plan and reports.",
            valueName: "fail|skip"))
    var onInvalid: InvalidRowHandling = .fail

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "Evaluate date conditions (within_days) as of this ISO-8601 date or time instead of now, for reproducible plans; the same forms as the policy's dates.",
            valueName: "time"))
    var asOf: String?

    @Flag(help: "Print the summary as JSON on standard output (for scripts) instead of text.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "The membership file (user_id,kind,name, made by `mfa-rollout members`) that role: and organization: conditions read; its SHA-256 is recorded with the other inputs.",
            valueName: "file"))
    var members: String?

    func validate() throws {
        guard !users.isEmpty else {
            throw ValidationError("give at least one export with --users FILE (or --users - for standard input)")
        }
        guard users.filter({ $0 == "-" }).count <= 1 else {
            throw ValidationError("--users - (standard input) can be given only once")
        }
        if let asOf, ISO8601Timestamp.date(asOf) == nil {
            throw ValidationError(
                "--as-of \(asOf): not an ISO-8601 date or time (e.g. 2026-11-23 or 2026-11-23T09:00:00Z)")
        }
        let outputs = [out, report, html, changes].compactMap { $0 }
        guard Set(outputs).count == outputs.count else {
            throw ValidationError("--out, --report, --html and --changes must name different files")
        }
    }

    func run() throws {
        let signals = SignalCleanup()
        defer { signals.cancel() }
        let policy = try Policy.load(
            path: self.policy,
            membership: try members.map { PolicyMembership.file(try MembershipFile.load(path: $0)) }
                ?? PolicyMembership.none)
        let tenant = try resolvedTenant(policy: policy)
        let outputs = [out, report, html, changes].compactMap { $0 }
        try OutputGuard.refuseOverwritingInputs(
            outputs: outputs, inputs: users.filter { $0 != "-" } + policy.inputFiles.map(\.path))
        if let out { try OutputGuard.keepAppliedPlan(out, force: force) }
        let now = Date()
        let request = PlanRequest(
            sources: users.map { $0 == "-" ? .standardInput : .file($0) },
            policy: policy,
            onInvalid: onInvalid,
            tenant: tenant,
            asOf: asOf.flatMap(ISO8601Timestamp.date) ?? now,
            createdAt: now
        )
        let progress = ProgressLine()
        let pipeline = PlanPipeline(request)
        // The plan file is written while planning, so the operations need no second pass;
        // only the reports need them in memory.
        let onProgress: @Sendable (Int) -> Void = { rows in progress.update("reading exports: \(rows) rows") }
        let plan: Plan?
        let outline: PlanOutline
        if report != nil || html != nil || changes != nil {
            let made = try pipeline.makePlan(writingTo: out, progress: onProgress)
            (plan, outline) = (made, made.outline)
        } else {
            plan = nil
            outline = try pipeline.makeOutline(writingTo: out, progress: onProgress)
        }
        progress.finish()

        if let plan {
            if report != nil || html != nil {
                let model = ReportModel(plan: plan)
                try write(report) { Array(MarkdownReport.render(model, planPath: out).utf8) }
                try write(html) { Array(HTMLReport.render(model, planPath: out).utf8) }
            }
            try write(changes) { ChangesCSV.render(plan) }
        }

        if json {
            Terminal.standardOutput(SummaryJSON(outline: outline, planPath: out).encoded())
        } else {
            Terminal.standardOutput(
                PlanSummaryText.render(outline, written: [out, report, html, changes].compactMap { $0 }))
        }
        let exitCode = outline.outcome.exitCode
        throw ExitCode(exitCode)
    }

    /// `--tenant`, else the policy's `tenant:`; the two must agree when both are given.
    private func resolvedTenant(policy: Policy) throws -> String? {
        guard let tenant else { return policy.tenant }
        let canonical: String
        do {
            canonical = try TenantDomain(tenant).canonical
        } catch {
            throw CLIError.invalidOption("--tenant: \(error.description)")
        }
        if let named = policy.tenant, named != canonical {
            throw CLIError.invalidOption(
                "--tenant \(canonical) is not the policy's tenant \(named) (\(policy.file)); give one or make them agree"
            )
        }
        return canonical
    }

    private func write(_ path: String?, _ bytes: () throws -> [UInt8]) throws {
        guard let path else { return }
        do {
            try AtomicFile.write(try bytes(), to: path)
        } catch {
            throw CLIError.cannotWrite(path: path, reason: "\(error)")
        }
    }
}

extension InvalidRowHandling: ExpressibleByArgument {}
