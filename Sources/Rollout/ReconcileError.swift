import MFARollout
import ManagementAPI

/// Why a reconcile run stopped before it could plan (or apply).
package enum ReconcileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The policy needs more export fields than Auth0's export allows.
    case tooManyFields(count: Int, limit: Int, columns: [String])
    /// The policy's `csv:` settings do not describe an Auth0 export.
    case notAnAuth0Dialect(reason: String)
    /// The export job ended `failed` (or in a status this build does not know).
    case exportFailed(jobID: String, status: String)
    /// The job did not complete within `--export-timeout`.
    case exportTimedOut(jobID: String, seconds: Double, lastStatus: String)
    /// The download link kept expiring or was refused, even with fresh links.
    case downloadFailed(jobID: String, attempts: Int, reason: String)
    /// A Management API call failed (no secrets: ``ManagementAPIError`` redacts them).
    case api(ManagementAPIError)
    /// The export did not plan (bad rows, missing columns).
    case planning(PlanningError)
    case cannotWrite(path: String, reason: String)
    /// `--domain` is not a tenant domain.
    case invalidTenant(TenantDomainError)

    package var description: String {
        switch self {
        case .tooManyFields(let count, let limit, let columns):
            "the policy reads \(count) columns, but an Auth0 export takes at most \(limit) fields: \(columns.joined(separator: ", "))"
        case .notAnAuth0Dialect(let reason):
            "the policy's csv settings do not fit an Auth0 export: \(reason)"
        case .exportFailed(let jobID, let status):
            "the users export job \(jobID) ended with status \(status)"
        case .exportTimedOut(let jobID, let seconds, let lastStatus):
            "the users export job \(jobID) did not complete within \(Int(seconds)) s (last status: \(lastStatus)); raise --export-timeout or try later"
        case .downloadFailed(let jobID, let attempts, let reason):
            "could not download the export of job \(jobID) after \(attempts) fresh link(s): \(reason)"
        case .api(let error):
            "\(error)"
        case .planning(let error):
            "\(error)"
        case .cannotWrite(let path, let reason):
            "\(path): cannot write: \(reason)"
        case .invalidTenant(let error):
            "--domain: \(error)"
        }
    }
}
