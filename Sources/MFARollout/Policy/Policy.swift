import Foundation

/// A rollout policy: which users should have the MFA flag, decided row by row.
///
/// Load it with `load(path:)` (the YAML and every list file it names); every problem is a
/// `PolicyError` naming the file, key path, line and column. Then call `decide(values:now:)`
/// for each row with the values of `columnsNeeded`, in that order.
package struct Policy: Sendable {
    /// The tenant plans made from this policy are for (`tenant:`, canonical), if it names one.
    package var tenant: String?
    /// Where the flag lives on the user (`app_metadata.use_mfa`).
    package var flag: FlagLocation
    /// The export column holding the flag's current value.
    package var flagColumn: String
    /// The source key that marks the flags the rollout set, and which flags `enforce` turns off.
    package var ownership: FlagOwnership
    package var mode: PolicyMode
    /// How to read the export CSV.
    package var dialect: CSVDialect
    /// Columns holding user id, email and connection.
    package var columns: ColumnMap
    /// In order; the first match decides.
    package var rules: [Rule]
    /// Always selected (unless denied).
    package var allow: UserList
    /// Never selected.
    package var deny: UserList
    /// The global rollout (percentage and salt), if any.
    package var rollout: RolloutSettings?
    package var guards: Guards
    /// The policy file and every list file, with their SHA-256, in load order (policy first).
    package var inputFiles: [PolicyInputFile]
    /// Every column the policy reads, without duplicates: `columns.userID`, `columns.email`,
    /// `columns.connection`, `flagColumn`, `ownership.column`, then the rule columns in order
    /// of first use.
    package var columnsNeeded: [String]
    /// The roles and organizations the rules test (`role:`, `organization:`), in order of first use.
    package var membershipNames: [MembershipKind: [String]]
    /// The membership file those tests were resolved against, if any.
    package var members: MembershipFile?
    /// The policy file's name as given, used in errors.
    package var file: String

    // Compiled state for `decide`.
    let userIDIndex: Int
    let emailIndex: Int
    let rolloutHasher: RolloutBucket.Hasher?
    /// `rules` reduced to what `decide` needs, the effective rollout resolved.
    let decisionTable: [DecisionRule]
    /// The rules' conditions, in rule order, laid out for the hot path.
    let program: ConditionProgram
    /// `deny` (bit 0) and `allow` (bit 1), looked up from a row's bytes.
    let listMatcher: UserListMatcher
    /// Where each rule column is first named, for `checkColumns`.
    let columnReferences: [ColumnReference]

    struct DecisionRule: Sendable {
        let name: String
        /// The rule's own rollout, else the global percentage; nil or >= 100: no hashing.
        let percentage: Double?
    }

    /// A `Selection` without strings: what the planner counts per row.
    struct Decision {
        enum Kind: UInt8 { case denyList, allowList, rule, heldBack, noRuleMatched }
        var kind: Kind
        /// For `rule` and `heldBack`: the index of the rule in `rules`.
        var rule: Int = 0
        /// For `heldBack`, and `rule` when `hashed`: the user's rollout bucket.
        var bucket: Double = 0
        /// Whether the rule selected the user through its rollout (`bucket` is set).
        var hashed = false

        var selected: Bool { kind == .allowList || kind == .rule }
    }

    struct ColumnReference: Sendable {
        let column: String
        let keyPath: String
        let line: Int?
        let columnNumber: Int?
    }

    // MARK: Loading

    /// Reads and validates the policy at `path` and every list file it names (relative to its
    /// directory); `role:` and `organization:` conditions are resolved through `membership`.
    package static func load(path: String, membership: PolicyMembership = .none) throws(PolicyError) -> Policy {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PolicyError(
                file: path, keyPath: "", line: nil, column: nil,
                message: FileManager.default.fileExists(atPath: path)
                    ? "cannot read the policy file" : "policy file not found")
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw PolicyError(
                file: path, keyPath: "", line: nil, column: nil, message: "the policy file is not valid UTF-8")
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(
            yaml: yaml, file: path, baseDirectory: directory.isEmpty ? "." : directory, membership: membership)
    }

    /// Parses and validates policy YAML; `file` names it in errors and in `inputFiles`,
    /// list files are read from disk relative to `baseDirectory`.
    package static func parse(
        yaml: String, file: String, baseDirectory: String, membership: PolicyMembership = .none
    ) throws(PolicyError) -> Policy {
        try PolicyDecoder(file: file, baseDirectory: baseDirectory, membership: membership).decode(yaml: yaml)
    }

    // MARK: Deciding

    /// Decides one row. `values[i]` is the value of `columnsNeeded[i]`, nil when that column
    /// is not in the file; `values` must have at least `columnsNeeded.count` elements.
    ///
    /// Order: deny list, allow list, then the first matching rule (with its rollout), else not selected.
    package func decide(values: [String?], now: Date) -> Selection {
        ExportRecord.withValues(values) { decide(record: $0, now: now) }
    }

    /// Decides one row read by `ExportReader.readRecords` with `columnsNeeded` as its columns.
    package func decide(record: ExportRecord, now: Date) -> Selection {
        selection(for: decision(for: record, now: now.timeIntervalSince1970))
    }

    /// The decision for one row; `now` is seconds since 1970.
    @inline(__always)
    func decision(for record: ExportRecord, now: Double) -> Decision {
        if !listMatcher.isEmpty {
            let lists = listMatcher.lists(holdingUserID: record.bytes(userIDIndex), email: record.bytes(emailIndex))
            if lists & 1 != 0 { return Decision(kind: .denyList) }
            if lists & 2 != 0 { return Decision(kind: .allowList) }
        }
        var memo = ConditionProgram.RowMemo()
        for rule in 0..<decisionTable.count where program.matches(rule: rule, record, now: now, memo: &memo) {
            guard let percentage = decisionTable[rule].percentage, let hasher = rolloutHasher else {
                return Decision(kind: .rule, rule: rule)
            }
            let bucket = hasher.bucket(userID: record.bytes(userIDIndex) ?? UnsafeBufferPointer(start: nil, count: 0))
            return bucket < percentage
                ? Decision(kind: .rule, rule: rule, bucket: bucket, hashed: true)
                : Decision(kind: .heldBack, rule: rule, bucket: bucket)
        }
        return Decision(kind: .noRuleMatched)
    }

    /// The decision with the rule's name and the rollout's percentage filled in.
    func selection(for decision: Decision) -> Selection {
        switch decision.kind {
        case .denyList: Selection(selected: false, reason: .denyList)
        case .allowList: Selection(selected: true, reason: .allowList)
        case .rule: Selection(selected: true, reason: .rule(decisionTable[decision.rule].name))
        case .heldBack:
            Selection(
                selected: false,
                reason: .heldBackByRollout(
                    rule: decisionTable[decision.rule].name, bucket: decision.bucket,
                    percentage: decisionTable[decision.rule].percentage ?? 100))
        case .noRuleMatched: Selection(selected: false, reason: .noRuleMatched)
        }
    }

    /// Checks that every column a rule tests is in the export's `header`, and that the email
    /// column is there when an allow or deny list holds emails. A misspelt column would
    /// otherwise silently match nobody (or, under `not`, everybody).
    package func checkColumns(header: [String]) throws(PolicyError) {
        let available = Set(header)
        for reference in columnReferences where !available.contains(reference.column) {
            var message = "column '\(reference.column)' is not in the export"
            if let suggestion = PolicyNode.closest(to: reference.column, in: header) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += " (its columns: \(header.joined(separator: ", ")))"
            }
            throw PolicyError(
                file: file, keyPath: reference.keyPath, line: reference.line,
                column: reference.columnNumber, message: message)
        }
        if !available.contains(columns.email), !allow.emails.isEmpty || !deny.emails.isEmpty {
            throw PolicyError(
                file: file, keyPath: "columns.email", line: nil, column: nil,
                message: "the allow or deny list holds emails but the export has no column '\(columns.email)'")
        }
    }
}
