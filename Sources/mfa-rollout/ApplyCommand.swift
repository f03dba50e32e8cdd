import ArgumentParser
import Dispatch
import Foundation
import Logging
import MFARollout
import ManagementAPI
import Rollout

#if canImport(Glibc)
import Glibc
#endif

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
            than --max-age without --allow-stale, disable operations without --allow-disable, and a second \
            run of the same plan against the same tenant while one is in progress on this host.

            SIGINT/SIGTERM stop gracefully: no new operation starts, requests in flight finish and are \
            journaled. A second signal exits at once (the journal is still consistent).

            With --enroll, each user whose flag the run turns on also gets an MFA enrollment ticket
            (POST /api/v2/guardian/enrollments/ticket), journaled like the PATCHes: a resume never
            requests a ticket the journal records as created. Auth0 emails it; with --no-send-mail
            the ticket URLs go only to --ticket-file (created mode 600), never to the output.

            Exit codes: 0 every operation done, 4 some operations (or tickets) failed, 1 error or
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
        help: ArgumentHelp("Refuse a plan older than this (from its created_at): 90m, 24h, 2d, or seconds.", valueName: "age"))
    var maxAge: String = "24h"

    @Flag(name: .customLong("allow-stale"), help: "Apply a plan older than --max-age.")
    var allowStale = false

    @Flag(name: .customLong("allow-disable"), help: "Carry out operations that turn MFA off (disable, and undo plans' unset).")
    var allowDisable = false

    @Flag(
        name: .customLong("verify-current"),
        help: "GET each user first; skip (status skipped-drift) operations whose flag no longer has the plan's current value.")
    var verifyCurrent = false

    @Option(
        name: .customLong("max-failures"),
        help: ArgumentHelp("Stop cleanly once more than N operations failed in this run.", valueName: "n"))
    var maxFailures: Int?

    @Option(help: ArgumentHelp("The journal file (default: PLAN.journal.sqlite).", valueName: "file"))
    var journal: String?

    @OptionGroup(title: "Enrollment")
    var enrollment: EnrollmentArguments

    @Flag(help: "Print the summary as JSON on standard output.")
    var json = false

    func validate() throws {
        guard Self.parseAge(maxAge) != nil else {
            throw ValidationError("--max-age \(maxAge): expected a duration such as 90m, 24h, 2d or a number of seconds")
        }
        if let maxFailures, maxFailures < 0 { throw ValidationError("--max-failures must be 0 or more") }
    }

    func run() async throws {
        do {
            try await apply()
        } catch let code as ExitCode {
            throw code
        } catch {
            Terminal.error(Self.describe(error))
            throw ExitCode.failure
        }
    }

    private func apply() async throws {
        let plan = try PlanFile.read(from: self.plan)
        let tenant = try TenantDomain(connection.domain).canonical
        try ApplyApproval.checkTenant(plan, target: connection.domain)
        let options = ApplyOptions(
            approvedFingerprint: try approve ?? ApprovalPrompt.ask(for: plan), maxAge: Self.parseAge(maxAge) ?? ApplyOptions.defaultMaxAge,
            allowStale: allowStale, allowDisable: allowDisable, verifyCurrent: verifyCurrent, maxFailures: maxFailures,
            concurrency: connection.concurrency, enroll: enrollment.options(forPlan: self.plan))
        // Refusals first: nothing is created or sent for a plan that will not be applied.
        try ApplyApproval.check(plan, tenant: connection.domain, options: options)
        let settings = try connection.settings()
        _ = try settings.endpoint()
        // One run of this plan against this tenant on this host at a time, whatever the journal.
        let journalPath = journal ?? ApplyJournal.defaultPath(forPlan: self.plan)
        let planLock = try PlanRunLock.acquire(
            tenant: tenant, fingerprint: plan.fingerprint, directory: stateDirectory ?? PlanRunLock.defaultDirectory(),
            journal: journalPath)
        defer { planLock.release() }
        let journal = try ApplyJournal.open(path: journalPath, plan: plan, tenant: tenant)

        // Failures are in the journal and the summary; the log only gets what is worse.
        var logger = Logger(label: "mfa-rollout.apply")
        logger.logLevel = .error
        let summary = try await ManagementConnection.with(settings, logger: logger) { connection in
            let engine = ApplyEngine(
                plan: plan, journal: journal, client: connection.client, options: options, logger: logger)
            let limit = connection.rateLimiter.configured
            Terminal.note(
                "applying plan \(plan.fingerprint) (\(plan.operations.count) operations) to \(settings.domain) at \(Self.format(limit.rate))/s, burst \(limit.burst), \(settings.concurrency) workers")
            let signals = SignalStopper { signal in
                Terminal.note("\(signal) received: finishing the requests in flight, starting no new ones (again to quit at once)")
                engine.stop()
            }
            defer { signals.cancel() }
            let progress = ProgressLine()
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    if !Task.isCancelled { progress.update(Self.render(engine.progress())) }
                }
            }
            defer { ticker.cancel() }
            let summary = try await engine.run()
            ticker.cancel()
            progress.finish()
            return summary
        }
        if json {
            Terminal.standardOutput(try Self.encode(summary))
        } else {
            Terminal.standardOutput(ApplySummaryText.render(summary, resume: resumeCommand()))
        }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }

    /// The command to run again to resume. Safe to print: secrets never come on the command line.
    private func resumeCommand() -> String {
        (["mfa-rollout"] + CommandLine.arguments.dropFirst()).map(Self.quote).joined(separator: " ")
    }

    static func quote(_ text: String) -> String {
        let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./:@%+=,".contains($0) }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func render(_ p: ApplyProgress) -> String {
        let finished = p.done + p.skippedDrift + p.failed
        let width = 24
        let filled = p.total > 0 ? min(width, finished * width / p.total) : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var text = "\(bar) \(finished)/\(p.total) · \(format(p.rate)) op/s"
        if p.finishedThisRun > 0, let eta = p.eta { text += " · ETA \(clock(eta))" }
        text += " · \(p.retries) retries · \(p.failed) failed"
        if p.skippedDrift > 0 { text += " · \(p.skippedDrift) drifted" }
        if p.rateLimited > 0 { text += " · \(p.rateLimited)×429" }
        if p.ticketsCreated + p.ticketsFailed > 0 {
            text += " · \(p.ticketsCreated) tickets"
            if p.ticketsFailed > 0 { text += " (\(p.ticketsFailed) failed)" }
        }
        if p.stopping { text += " · stopping (\(p.inFlight) in flight)" }
        return text
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }

    static func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }

    /// `90m`, `24h`, `2d`, `30s` or plain seconds.
    static func parseAge(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = trimmed.last else { return nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let (number, unit) = units[last].map { (String(trimmed.dropLast()), $0) } ?? (trimmed, 1)
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        return value * unit
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Our typed errors print their own sentence.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ApplyRefusal: return "refusing to apply: \(error.description)"
        case let error as CustomStringConvertible: return error.description
        default: return "\(error)"
        }
    }
}

/// Turns SIGINT/SIGTERM into a graceful stop while it lives; a second signal exits at once.
final class SignalStopper: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let lock = NSLock()
    private var received = 0

    init(onFirst: @escaping @Sendable (String) -> Void) {
        var sources: [DispatchSourceSignal] = []
        let queue = DispatchQueue(label: "mfa-rollout.signals")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            sources.append(source)
        }
        self.sources = sources
        for (source, name) in zip(sources, ["SIGINT", "SIGTERM"]) {
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let count = self.lock.withLock { () -> Int in
                    self.received += 1
                    return self.received
                }
                if count == 1 {
                    onFirst(name)
                } else {
                    Terminal.note("\(name) again: exiting now; run apply again to resume")
                    _exit(130)
                }
            }
            source.resume()
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

/// An apply run's summary as a person reads it.
enum ApplySummaryText {
    static func render(_ s: ApplySummary, resume: String) -> String {
        var out = ""
        switch s.ending {
        case .completed:
            out += s.failed == 0
                ? "Applied: every operation of the plan is done.\n"
                : "Finished with failures: \(s.failed) operation\(s.failed == 1 ? "" : "s") failed.\n"
        case .stopped:
            out += "Stopped on request: no new operations were started; the ones in flight finished.\n"
        case .errorBudgetExceeded:
            out += "Stopped: more operations failed than --max-failures allows.\n"
        case .fatalError:
            out += "Stopped by an error that every request would meet: \(s.fatalError ?? "")\n"
        }
        var rows: [(String, String)] = [
            ("operations", "\(s.total)"),
            ("done", "\(s.done) (\(s.doneThisRun) in this run)"),
            ("failed", "\(s.failed)"),
            ("skipped (drift)", "\(s.skippedDrift)"),
            ("not done yet", "\(s.pending)"),
            ("requests", "\(s.requests) in \(String(format: "%.1f", s.elapsedSeconds)) s, \(String(format: "%.1f", s.requestsPerSecond))/s (limit \(String(format: "%g", s.configuredRate))/s, burst \(s.configuredBurst))"),
            ("retries", "\(s.retries)"),
            ("answered 429", "\(s.rateLimited) (\(String(format: "%.2f", s.rateLimitedShare * 100)) %)"),
        ]
        if let t = s.tickets {
            var text = "\(t.created) created (\(t.createdThisRun) in this run), \(t.failed) failed, \(t.pending) not requested yet"
            if t.alreadyEnrolled > 0 { text += ", \(t.alreadyEnrolled) not needed (already enrolled)" }
            rows.append(("enrollment tickets", text))
            rows.append(("tickets sent by", t.sendMail ? "Auth0 email" : "no email; URLs in \(t.ticketFile ?? "?") (mode 600)"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        out += "\n"
        for (label, value) in rows {
            out += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "\n"
        }
        if !s.failures.isEmpty {
            out += "\nFailed:\n"
            for failure in s.failures.prefix(20) { out += "  \(failure.userID) (\(failure.id)): \(failure.reason)\n" }
            if s.failures.count > 20 { out += "  … and \(s.failures.count - 20) more (mfa-rollout status --json)\n" }
        }
        if !s.drifted.isEmpty {
            out += "\nSkipped, the flag changed since the export:\n"
            for drift in s.drifted.prefix(20) { out += "  \(drift.userID) (\(drift.id)): \(drift.reason)\n" }
            if s.drifted.count > 20 { out += "  … and \(s.drifted.count - 20) more\n" }
        }
        if let t = s.tickets, !t.failures.isEmpty {
            out += "\nEnrollment tickets that failed (the flag stays on; run again with --enroll to retry):\n"
            for failure in t.failures.prefix(20) { out += "  \(failure.userID) (\(failure.id)): \(failure.reason)\n" }
            if t.failures.count > 20 { out += "  … and \(t.failures.count - 20) more (mfa-rollout status --json)\n" }
        }
        out += "\nFingerprint: \(s.fingerprint)\nJournal: \(s.journal)\n"
        if s.pending > 0 || s.failed > 0 || (s.tickets.map { $0.failed + $0.pending } ?? 0) > 0 {
            out += "To resume (done operations are not sent again; failed ones are retried):\n  \(resume)\n"
        }
        return out
    }
}
