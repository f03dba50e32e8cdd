import MFARollout
import ManagementAPI

/// Which fields a reconcile run asks Auth0's users export for: exactly the columns the policy
/// reads (`policy.columnsNeeded`), at most 30.
///
/// The rule: a column is requested under its own name, so policy columns must be Auth0 field
/// paths (`email`, `logins_count`, `app_metadata.department`, `identities[0].connection`).
/// Five columns have a known Auth0 field whatever the policy calls them: the user id column
/// is `user_id`, the email column `email`, the flag column the flag's location
/// (`app_metadata.use_mfa`), the source column the source key's (`app_metadata.use_mfa_source`),
/// and the enrolled column (`columns.enrolled`) `multifactor[0]`. When the policy names one of those differently (a `column:` of
/// `use_mfa` from an export made with `export_as`), the field is requested with `export_as`
/// set to the policy's name, so the header matches what the policy reads.
package enum ReconcileExportFields {
    /// Auth0's limit on fields per export.
    package static let maximum = 30

    /// The export fields for `policy`, in `columnsNeeded` order.
    package static func fields(for policy: Policy) throws(ReconcileError) -> [ExportField] {
        try checkDialect(policy.dialect)
        var known: [String: String] = [
            policy.columns.userID: "user_id",
            policy.columns.email: "email",
            policy.flagColumn: policy.flag.description,
            policy.ownership.column: policy.ownership.source.description,
        ]
        if let enrolled = policy.columns.enrolled { known[enrolled] = ColumnMap.auth0EnrolledField }
        let columns = policy.columnsNeeded
        guard columns.count <= maximum else {
            throw .tooManyFields(count: columns.count, limit: maximum, columns: columns)
        }
        return columns.map { column in
            let name = known[column] ?? column
            return ExportField(name: name, exportAs: name == column ? nil : column)
        }
    }

    /// Auth0 writes comma-separated values with its `'` escaping: a policy for another CSV
    /// shape would misread them.
    static func checkDialect(_ dialect: CSVDialect) throws(ReconcileError) {
        guard dialect.delimiter == UInt8(ascii: ",") else {
            throw .notAnAuth0Dialect(reason: "the delimiter must be \",\" (Auth0 exports are comma-separated)")
        }
        guard dialect.auth0Escaping != .off else {
            throw .notAnAuth0Dialect(reason: "auth0_escaping must be auto or on (Auth0 prefixes string values with ')")
        }
    }
}
