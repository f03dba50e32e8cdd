import Foundation
import Logging
import MFARollout
import ManagementAPI

/// Everything a reconcile run needs.
package struct ReconcileRequest: Sendable {
    package var policyPath: String
    /// Plans, reports, metrics, the lock (and the export while it is read) go here.
    package var outDirectory: String
    package var connection: ConnectionSettings
    /// Apply the plan when its guards hold, through ``ApplyEngine``.
    package var autoApply: Bool
    /// For `--auto-apply`: `allowDisable`, `verifyCurrent`, `maxFailures`, `enroll` (tickets
    /// without email go beside the plan unless `enroll.ticketFile` is set). The fingerprint is
    /// set to the plan just made.
    package var applyOptions: ApplyOptions
    package var polling: ReconcileExporter.Polling
    /// Keep the downloaded export in `outDirectory` instead of deleting it.
    package var keepExport: Bool
    package var onInvalid: InvalidRowHandling
    /// Where the host-wide lock of an applied plan lives (``PlanRunLock``).
    package var stateDirectory: String
    /// What the tenant check before the run found (recorded in the summary), set by the caller
    /// that ran it: `passed`, `passed with warnings` or `skipped`.
    package var tenantCheck: String? = nil

    package init(
        policyPath: String, outDirectory: String, connection: ConnectionSettings, autoApply: Bool = false,
        applyOptions: ApplyOptions = ApplyOptions(), polling: ReconcileExporter.Polling = .init(),
        keepExport: Bool = false, onInvalid: InvalidRowHandling = .fail,
        stateDirectory: String = PlanRunLock.defaultDirectory()
    ) {
        self.stateDirectory = stateDirectory
        self.policyPath = policyPath
        self.outDirectory = outDirectory
        self.connection = connection
        self.autoApply = autoApply
        self.applyOptions = applyOptions
        self.polling = polling
        self.keepExport = keepExport
        self.onInvalid = onInvalid
    }
}

/// One scheduled pass: export the tenant, plan against the policy, write plan and reports,
/// and (with `autoApply`) apply a plan whose guards hold. Two runs on the same `outDirectory`
/// never overlap (``RunLock`` on `.mfa-rollout.lock`), and every run that got the lock leaves
/// `reconcile-summary.json` and `mfa_rollout.prom` behind, also when it failed.
package struct Reconciler: Sendable {
    package static let lockFileName = ".mfa-rollout.lock"
    package static let summaryFileName = "reconcile-summary.json"

    package let request: ReconcileRequest
    let clock: any APIClock
    let logger: Logger
    /// Test hook: before each download attempt.
    let beforeDownload: (@Sendable (Int) async -> Void)?

    package init(
        _ request: ReconcileRequest, clock: any APIClock = SystemAPIClock(), logger: Logger = Reconciler.quietLogger
    ) {
        self.init(request, clock: clock, logger: logger, beforeDownload: nil)
    }

    init(
        _ request: ReconcileRequest, clock: any APIClock, logger: Logger,
        beforeDownload: (@Sendable (Int) async -> Void)?
    ) {
        self.request = request
        self.clock = clock
        self.logger = logger
        self.beforeDownload = beforeDownload
    }

    /// A logger for errors only: the summary tells the rest.
    package static var quietLogger: Logger {
        var logger = Logger(label: "mfa-rollout.reconcile")
        logger.logLevel = .error
        return logger
    }

    /// Progress notes for a person or a log.
    package enum Event: Sendable {
        case locked(path: String)
        case exportStatus(ExportJob)
        case exported(ReconcileExporter.Result)
        case planned(Plan, path: String)
        case applying(ApplyEngine)
        case applied(ApplySummary)
    }

    /// Runs once.
    /// - Returns: the summary (also written to `reconcile-summary.json`); its `exitCode` is the
    ///   process's.
    /// - Throws: only when the run could not start: ``RunLock/Failure`` (another run holds the
    ///   lock: nothing was touched) or ``ReconcileError/cannotWrite(path:reason:)`` for the
    ///   output directory.
    package func run(now: @Sendable () -> Date = { Date() }, onEvent: (@Sendable (Event) -> Void)? = nil) async throws
        -> ReconcileSummary
    {
        let out = request.outDirectory
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw ReconcileError.cannotWrite(path: out, reason: error.localizedDescription)
        }
        let lock = try RunLock.acquire(path: join(Self.lockFileName), now: now())
        defer { lock.release() }
        onEvent?(.locked(path: lock.path))

        let startedAt = now()
        let start = ContinuousClock.now
        var summary = ReconcileSummary(
            outcome: .error, exitCode: 1, domain: request.connection.domain, startedAt: startedAt,
            finishedAt: startedAt,
            durationSeconds: 0, lastSuccessAt: nil, export: nil, plan: nil, reports: [], apply: nil, error: nil)
        summary.tenantCheck = request.tenantCheck
        do {
            try await work(stamp: Self.uniqueStamp(startedAt, in: out), summary: &summary, onEvent: onEvent)
        } catch {
            summary.outcome = .error
            summary.error = Self.describe(error)
        }
        summary.exitCode = summary.outcome.exitCode
        summary.finishedAt = now()
        summary.durationSeconds = (ContinuousClock.now - start).seconds
        writeMetrics(&summary)
        return summary
    }

    private func work(stamp: String, summary: inout ReconcileSummary, onEvent: (@Sendable (Event) -> Void)?)
        async throws
    {
        // Enrollment progress in every run's reports and metrics: `multifactor[0]` is asked
        // for too, unless the policy names its own column or the export is already full.
        var policy = try Policy.load(path: request.policyPath, membership: .collecting)
        if policy.columnsNeeded.count < ReconcileExportFields.maximum { policy = policy.requestingEnrollment() }
        // The plan is for the tenant exported from; a policy that names another is refused
        // before anything is started.
        let tenant: String
        do {
            tenant = try TenantDomain(request.connection.domain).canonical
        } catch {
            throw ReconcileError.invalidTenant(error)
        }
        if let named = policy.tenant, named != tenant {
            throw ApplyRefusal.wrongTenant(planned: named, given: request.connection.domain)
        }
        // Exactly the roles and organizations the policy tests, read before the export (so
        // nobody counted as a member joined after the users were exported).
        if !policy.membershipNames.isEmpty {
            let fetch = MembershipFetch(
                roles: policy.membershipNames[.role] ?? [], organizations: policy.membershipNames[.organization] ?? [])
            let groups = try await ManagementConnection.with(request.connection, scope: .readUsers, logger: logger) {
                connection in try await fetch.fetch(client: connection.client)
            }
            let membersPath = join("members-\(stamp).csv")
            try MembershipFetch.write(groups, to: membersPath)
            policy = try Policy.load(
                path: request.policyPath, membership: .file(try MembershipFile.load(path: membersPath)))
        }
        let fields = try ReconcileExportFields.fields(for: policy)
        let exportPath = join("export-\(stamp).csv.gz")
        defer {
            if !request.keepExport {
                try? FileManager.default.removeItem(atPath: exportPath)
                try? FileManager.default.removeItem(atPath: exportPath + ".partial")
            }
        }
        let exported = try await ManagementConnection.with(request.connection, scope: .readUsers, logger: logger) {
            connection in
            let exporter = ReconcileExporter(
                client: connection.client, polling: request.polling, clock: clock,
                onStatus: { job in onEvent?(.exportStatus(job)) }, beforeDownload: beforeDownload)
            return try await exporter.export(fields: fields, to: exportPath)
        }
        summary.export = .init(
            jobID: exported.jobID, bytes: exported.bytes, polls: exported.polls,
            downloadAttempts: exported.downloadAttempts,
            keptAt: request.keepExport ? exportPath : nil)
        onEvent?(.exported(exported))

        let planTime = Date()
        let planPath = join("plan-\(stamp).json")
        let plan: Plan
        do {
            plan = try PlanPipeline(
                PlanRequest(
                    sources: [.file(exportPath)], policy: policy, onInvalid: request.onInvalid, tenant: tenant,
                    asOf: planTime, createdAt: planTime)
            ).makePlan(writingTo: planPath)
        } catch {
            throw ReconcileError.planning(error)
        }
        let model = ReportModel(plan: plan)
        let reports = [
            (join("report-\(stamp).md"), { Array(MarkdownReport.render(model, planPath: planPath).utf8) }),
            (join("report-\(stamp).html"), { Array(HTMLReport.render(model, planPath: planPath).utf8) }),
            (join("changes-\(stamp).csv"), { ChangesCSV.render(plan) }),
        ]
        for (path, bytes) in reports { try write(path, bytes) }
        summary.reports = reports.map(\.0)
        summary.plan = .init(
            path: planPath, fingerprint: plan.fingerprint, rows: plan.summary.rows, enable: plan.summary.enable,
            disable: plan.summary.disable, unchanged: plan.summary.unchanged, rejected: plan.summary.rejected,
            applicable: plan.applicable, trippedGuards: plan.guards.filter(\.tripped).map(\.explanation),
            enrollment: plan.summary.enrollment)
        onEvent?(.planned(plan, path: planPath))

        switch plan.outcome {
        case .noChanges:
            summary.outcome = .inSync
            return
        case .guardTripped:
            summary.outcome = .guardTripped
            return
        case .changes:
            guard request.autoApply else {
                summary.outcome = .changesPending
                return
            }
        }

        var options = request.applyOptions
        options.approvedFingerprint = plan.fingerprint
        if var enroll = options.enroll, !enroll.sendMail, enroll.ticketFile == nil {
            enroll.ticketFile = EnrollmentOptions.defaultTicketFile(forPlan: planPath)
            options.enroll = enroll
        }
        try ApplyApproval.check(plan, tenant: tenant, options: options)
        let journalPath = ApplyJournal.defaultPath(forPlan: planPath)
        let planLock = try PlanRunLock.acquire(
            tenant: tenant, fingerprint: plan.fingerprint, directory: request.stateDirectory, journal: journalPath)
        defer { planLock.release() }
        let journal = try ApplyJournal.open(path: journalPath, plan: plan, tenant: tenant)
        let applied = try await ManagementConnection.with(request.connection, scope: .writeUsers, logger: logger) {
            connection in
            let engine = ApplyEngine(
                plan: plan, journal: journal, client: connection.client, options: options, logger: logger)
            onEvent?(.applying(engine))
            return try await engine.run()
        }
        onEvent?(.applied(applied))
        summary.apply = .init(
            journal: applied.journal, done: applied.done, failed: applied.failed, skippedDrift: applied.skippedDrift,
            pending: applied.pending, doneThisRun: applied.doneThisRun, failedThisRun: applied.failedThisRun,
            requests: applied.requests, retries: applied.retries, rateLimited: applied.rateLimited,
            tickets: applied.tickets, approvedFingerprint: plan.fingerprint)
        switch applied.exitCode {
        case 0: summary.outcome = .applied
        case 4: summary.outcome = .applyFailed
        default:
            summary.outcome = .applyStopped
            var left = "\(applied.pending) operation(s)"
            if let tickets = applied.tickets, tickets.pending > 0 {
                left += " and \(tickets.pending) enrollment ticket(s)"
            }
            summary.error = applied.fatalError ?? "stopped (\(applied.ending.rawValue)) with \(left) not done"
        }
    }

    /// Writes `reconcile-summary.json` and `mfa_rollout.prom`, carrying counters and the last
    /// success over from the previous files. A failure to write is noted in `summary.error`.
    private func writeMetrics(_ summary: inout ReconcileSummary) {
        let promPath = join(MetricsTextfile.fileName)
        let previous = MetricsTextfile.carried(fromPrevious: try? String(contentsOfFile: promPath, encoding: .utf8))
        let (text, carried) = MetricsTextfile.render(summary, previous: previous)
        summary.lastSuccessAt = carried.lastSuccess.map { Date(timeIntervalSince1970: $0) }
        do {
            try AtomicFile.write(Array(text.utf8), to: promPath, permissions: 0o644)
            try AtomicFile.write(summary.encoded(), to: join(Self.summaryFileName), permissions: 0o644)
        } catch {
            let note = "cannot write the metrics files: \(error)"
            summary.error = summary.error.map { $0 + "; " + note } ?? note
        }
    }

    private func write(_ path: String, _ bytes: () throws -> [UInt8]) throws {
        do {
            try AtomicFile.write(try bytes(), to: path, permissions: 0o644)
        } catch {
            throw ReconcileError.cannotWrite(path: path, reason: "\(error)")
        }
    }

    private func join(_ name: String) -> String {
        (request.outDirectory as NSString).appendingPathComponent(name)
    }

    /// `20261123T203000Z`, with `-2`, `-3`, … when a plan of that second already exists.
    static func uniqueStamp(_ date: Date, in directory: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let base = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
        var stamp = base
        var counter = 1
        while FileManager.default.fileExists(
            atPath: (directory as NSString).appendingPathComponent("plan-\(stamp).json"))
        {
            counter += 1
            stamp = "\(base)-\(counter)"
        }
        return stamp
    }

    /// An error's sentence (our typed errors describe themselves without secrets).
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ApplyRefusal: "not applied: \(error.description)"
        case let error as CustomStringConvertible: error.description
        default: "\(error)"
        }
    }
}
