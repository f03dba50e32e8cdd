import ArgumentParser
import Foundation
import MFARollout
import Rollout

/// `mfa-rollout status`: where an apply stands, from its journal. Never touches the network.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show how far a plan has been applied, from its journal (no network).",
        discussion: "Exit codes: 0 shown, 1 error (the plan or the journal cannot be read, or they do not belong together)."
    )

    @Argument(help: ArgumentHelp("The plan file.", valueName: "plan.json"))
    var plan: String

    @Option(help: ArgumentHelp("The journal file (default: PLAN.journal.sqlite).", valueName: "file"))
    var journal: String?

    @Flag(help: "Print the status as JSON on standard output.")
    var json = false

    /// The status as `--json` prints it.
    struct Report: Encodable {
        var plan: String
        var fingerprint: String
        /// The tenant the plan is for (nil: made without one).
        var tenant: String?
        var journal: String
        var started: Bool
        var total: Int
        var counts: [String: Int]
        var failures: [Entry]
        var drifted: [Entry]
        /// Enrollment tickets by status (`none`, `pending`, `in-flight`, `done`, `failed`), when
        /// a run with `--enroll` owed any.
        var tickets: [String: Int]? = nil
        var ticketFailures: [Entry] = []

        enum CodingKeys: String, CodingKey {
            case plan, fingerprint, tenant, journal, started, total, counts, failures, drifted, tickets
            case ticketFailures = "ticket_failures"
        }

        struct Entry: Encodable {
            var id: String
            var userID: String
            var attempts: Int
            var httpStatus: Int?
            var reason: String
            enum CodingKeys: String, CodingKey {
                case id, userID = "user_id", attempts, httpStatus = "http_status", reason
            }
        }
    }

    func run() throws {
        do {
            let report = try makeReport()
            Terminal.standardOutput(json ? try ApplyCommand.encode(report) : Self.text(report))
        } catch {
            Terminal.error(ApplyCommand.describe(error))
            throw ExitCode.failure
        }
    }

    func makeReport() throws -> Report {
        let plan = try PlanFile.read(from: self.plan)
        let path = journal ?? ApplyJournal.defaultPath(forPlan: self.plan)
        var counts = Dictionary(uniqueKeysWithValues: OperationStatus.allCases.map { ($0.rawValue, 0) })
        guard FileManager.default.fileExists(atPath: path) else {
            counts[OperationStatus.pending.rawValue] = plan.operations.count
            return Report(
                plan: self.plan, fingerprint: plan.fingerprint, tenant: plan.tenant, journal: path, started: false,
                total: plan.operations.count, counts: counts, failures: [], drifted: [])
        }
        let journal = try ApplyJournal.openExisting(path: path, plan: plan)
        for (status, count) in try journal.counts() { counts[status.rawValue] = count }
        let records = try journal.records([.failed, .skippedDrift])
        func entry(_ r: JournalRecord) -> Report.Entry {
            .init(id: r.id, userID: r.userID, attempts: r.attempts, httpStatus: r.httpStatus, reason: r.lastError ?? "")
        }
        var report = Report(
            plan: self.plan, fingerprint: plan.fingerprint, tenant: plan.tenant, journal: path, started: true, total: plan.operations.count,
            counts: counts, failures: records.filter { $0.status == .failed }.map(entry),
            drifted: records.filter { $0.status == .skippedDrift }.map(entry))
        let ticketCounts = try journal.ticketCounts()
        if ticketCounts.contains(where: { $0.key != .none && $0.value > 0 }) {
            report.tickets = Dictionary(uniqueKeysWithValues: ticketCounts.map { ($0.key.rawValue, $0.value) })
            report.ticketFailures = try journal.records(ticketStatus: .failed).map {
                .init(id: $0.id, userID: $0.userID, attempts: $0.ticketAttempts, httpStatus: nil, reason: $0.ticketError ?? "")
            }
        }
        return report
    }

    static func text(_ r: Report) -> String {
        var out = "Plan \(r.plan) (\(r.fingerprint)), \(r.total) operations, for tenant \(r.tenant ?? "(none)")\n"
        if !r.started {
            return out + "Not applied yet: no journal at \(r.journal).\n"
        }
        out += "Journal \(r.journal)\n\n"
        let done = r.counts["done"] ?? 0
        let width = OperationStatus.allCases.map(\.rawValue.count).max() ?? 0
        for status in OperationStatus.allCases {
            out += "  " + status.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(r.counts[status.rawValue] ?? 0)\n"
        }
        out += "\n\(r.total > 0 ? done * 100 / r.total : 100)% done.\n"
        if !r.failures.isEmpty {
            out += "\nFailed:\n"
            for f in r.failures { out += "  \(f.userID) (\(f.id)), \(f.attempts) attempts: \(f.reason)\n" }
        }
        if !r.drifted.isEmpty {
            out += "\nSkipped for drift:\n"
            for f in r.drifted { out += "  \(f.userID) (\(f.id)): \(f.reason)\n" }
        }
        if let tickets = r.tickets {
            out += "\nEnrollment tickets: \(tickets["done"] ?? 0) created, \(tickets["failed"] ?? 0) failed, "
            out += "\((tickets["pending"] ?? 0) + (tickets["in-flight"] ?? 0)) not requested yet"
            if let enrolled = tickets["already-enrolled"], enrolled > 0 { out += ", \(enrolled) not needed (already enrolled)" }
            out += "\n"
            for f in r.ticketFailures { out += "  \(f.userID) (\(f.id)), \(f.attempts) attempts: \(f.reason)\n" }
            if (tickets["pending"] ?? 0) + (tickets["in-flight"] ?? 0) + (tickets["failed"] ?? 0) > 0 {
                out += "Running apply again with --enroll requests the tickets not created yet.\n"
            }
        }
        if (r.counts["in-flight"] ?? 0) > 0 {
            out += "\nOperations in flight: an apply is running, or one stopped abruptly; running apply again re-sends them.\n"
        }
        return out
    }
}
