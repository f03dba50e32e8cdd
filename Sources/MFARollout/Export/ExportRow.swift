/// One accepted data row, handed to `ExportReader.read`'s `onRow` callback.
///
/// `values[i]` belongs to `columns[i]` of the `read` call: `nil` when the file has no such
/// column, `""` when the field is empty. Auth0's `'` prefix is already stripped.
///
/// `ExportRow` is an ordinary value and may be kept. It costs a `String` per value; the
/// planner reads `ExportRecord`s (bytes, valid during the callback) instead.
package struct ExportRow {
    /// Display name of the input (`ExportSource.displayName`).
    package let file: String
    /// Physical line (1-based) where the record starts; a quoted field may span lines.
    package let line: Int
    /// The requested columns' values, in the order of `columns`.
    package let values: [String?]

    package init(file: String, line: Int, values: [String?]) {
        self.file = file
        self.line = line
        self.values = values
    }
}

/// A file and the physical line where a record starts.
package struct ExportLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    package var file: String
    package var line: Int

    package init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    package var description: String { "\(file) line \(line)" }
}

/// A row that was skipped, reported to `ExportReader.read`'s `onRejected` handler, and
/// listed in the plan's `rejected`.
package struct RejectedRow: Sendable, Hashable, Codable {
    package var file: String
    package var line: Int
    /// The row's user id when it could be read (valid UTF-8, column present), else `nil`.
    package var userID: String?
    /// Why the row was skipped, e.g. `expected 4 fields (as in the header), found 3`.
    package var reason: String

    package init(file: String, line: Int, userID: String?, reason: String) {
        self.file = file
        self.line = line
        self.userID = userID
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case file, line
        case userID = "user_id"
        case reason
    }
}

/// What `ExportReader.read` saw.
package struct ExportReadSummary: Sendable, Equatable {
    /// Rows handed to `onRow`.
    package var rows: Int
    /// Rows handed to `onRejected`.
    package var rejected: Int
    /// Display names of the inputs, in reading order.
    package var files: [String]
    /// SHA-256 (lowercase hex) of the bytes read from each input, as stored (compressed bytes
    /// for a gzip file), keyed by display name. Computed while reading, so it also covers stdin.
    package var sha256: [String: String]

    package init(rows: Int = 0, rejected: Int = 0, files: [String] = [], sha256: [String: String] = [:]) {
        self.rows = rows
        self.rejected = rejected
        self.files = files
        self.sha256 = sha256
    }
}
