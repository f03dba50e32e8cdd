import ArgumentParser
import Foundation
import MFARollout
import Rollout

/// `mfa-rollout status`: where an apply stands, from its journal. Never touches the network.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show how far a plan has been applied, from its journal (no network).",
        discussion:
            "Exit codes: 0 shown, 1 error (the plan or the journal cannot be read, or they do not belong together)."
    )

    @Argument(help: ArgumentHelp("The plan file.", valueName: "plan.json"))
    var plan: String

    @Option(help: ArgumentHelp("The journal file (default: PLAN.journal.sqlite).", valueName: "file"))
    var journal: String?

    @Flag(help: "Print the status as JSON on standard output.")
    var json = false

    func run() throws {
        do {
            let report = try makeReport()
            Terminal.standardOutput(json ? try Terminal.json(report) : report.text)
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
    }

    func makeReport() throws -> StatusReport {
        // Verified by streaming (SHA-256 over the whole file at disk speed); the operations are
        // counted, not decoded: the journal has their state.
        let plan = try PlanStream.open(path: self.plan, checkingOperations: false).outline
        let path = journal ?? ApplyJournal.defaultPath(forPlan: self.plan)
        var counts = Dictionary(uniqueKeysWithValues: OperationStatus.allCases.map { ($0.rawValue, 0) })
        guard FileManager.default.fileExists(atPath: path) else {
            counts[OperationStatus.pending.rawValue] = plan.operationCount
            return StatusReport(
                plan: self.plan, fingerprint: plan.fingerprint, tenant: plan.tenant, journal: path, started: false,
                total: plan.operationCount, counts: counts, failures: [], drifted: [],
                enrollment: plan.summary.enrollment)
        }
        let journal = try ApplyJournal.openExisting(path: path, fingerprint: plan.fingerprint)
        for (status, count) in try journal.counts() { counts[status.rawValue] = count }
        let records = try journal.records([.failed, .skippedDrift])
        func entry(_ r: JournalRecord) -> StatusReport.Entry {
            .init(id: r.id, userID: r.userID, attempts: r.attempts, httpStatus: r.httpStatus, reason: r.lastError ?? "")
        }
        var report = StatusReport(
            plan: self.plan, fingerprint: plan.fingerprint, tenant: plan.tenant, journal: path, started: true,
            total: plan.operationCount,
            counts: counts, failures: records.filter { $0.status == .failed }.map(entry),
            drifted: records.filter { $0.status == .skippedDrift }.map(entry))
        report.enrollment = plan.summary.enrollment
        let ticketCounts = try journal.ticketCounts()
        if ticketCounts.contains(where: { $0.key != .none && $0.value > 0 }) {
            report.tickets = Dictionary(uniqueKeysWithValues: ticketCounts.map { ($0.key.rawValue, $0.value) })
            report.ticketFailures = try journal.records(ticketStatus: .failed).map {
                .init(
                    id: $0.id, userID: $0.userID, attempts: $0.ticketAttempts, httpStatus: nil,
                    reason: $0.ticketError ?? "")
            }
        }
        return report
    }
}
