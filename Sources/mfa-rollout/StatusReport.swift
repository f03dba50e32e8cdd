import Foundation
import MFARollout
import Rollout

/// Where an apply stands, as `status` shows it (`--json` prints it as it is).
struct StatusReport: Encodable {
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
    /// Enrollment progress as of the plan's export, when the policy read an enrolled column.
    var enrollment: PlanSummary.Enrollment? = nil

    enum CodingKeys: String, CodingKey {
        case plan, fingerprint, tenant, journal, started, total, counts, failures, drifted, tickets, enrollment
        case ticketFailures = "ticket_failures"
    }

    struct Entry: Encodable {
        var id: String
        var userID: String
        var attempts: Int
        var httpStatus: Int?
        var reason: String
        /// `  USER (ID), N attempts: REASON`, values escaped.
        var line: String {
            "  \(Terminal.visible(userID)) (\(id)), \(attempts) attempts: \(Terminal.visible(reason))\n"
        }

        enum CodingKeys: String, CodingKey {
            case id
            case userID = "user_id"
            case attempts
            case httpStatus = "http_status"
            case reason
        }
    }

    /// The status as a person reads it.
    var text: String {
        let r = self
        var out =
            "Plan \(Terminal.visible(r.plan)) (\(r.fingerprint)), \(r.total) operations, for tenant \(Terminal.visible(r.tenant ?? "(none)"))\n"
        if let enrollment = r.enrollment {
            out += "As of the plan's export, "
            out += EnrollmentProgressText.lines(enrollment).map(Terminal.visible).joined(separator: "\n") + "\n"
        }
        if !r.started {
            return out + "Not applied yet: no journal at \(Terminal.visible(r.journal)).\n"
        }
        out += "Journal \(Terminal.visible(r.journal))\n\n"
        let done = r.counts["done"] ?? 0
        let width = OperationStatus.allCases.map(\.rawValue.count).max() ?? 0
        for status in OperationStatus.allCases {
            out +=
                "  " + status.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  \(r.counts[status.rawValue] ?? 0)\n"
        }
        out += "\n\(r.total > 0 ? done * 100 / r.total : 100)% done.\n"
        if !r.failures.isEmpty {
            out += "\nFailed:\n"
            for f in r.failures { out += f.line }
        }
        if !r.drifted.isEmpty {
            out += "\nSkipped for drift:\n"
            for f in r.drifted { out += "  \(Terminal.visible(f.userID)) (\(f.id)): \(Terminal.visible(f.reason))\n" }
        }
        if let tickets = r.tickets {
            out += "\nEnrollment tickets: \(tickets["done"] ?? 0) created, \(tickets["failed"] ?? 0) failed, "
            out += "\((tickets["pending"] ?? 0) + (tickets["in-flight"] ?? 0)) not requested yet"
            if let enrolled = tickets["already-enrolled"], enrolled > 0 {
                out += ", \(enrolled) not needed (already enrolled)"
            }
            out += "\n"
            for f in r.ticketFailures { out += f.line }
            if (tickets["pending"] ?? 0) + (tickets["in-flight"] ?? 0) + (tickets["failed"] ?? 0) > 0 {
                out += "Running apply again with --enroll requests the tickets not created yet.\n"
            }
        }
        if (r.counts["in-flight"] ?? 0) > 0 {
            out +=
                "\nOperations in flight: an apply is running, or one stopped abruptly; running apply again re-sends them.\n"
        }
        return out
    }
}
