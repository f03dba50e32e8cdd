/// What every report shows, derived from a plan once: the Markdown and HTML reports are two
/// renderings of this.
package struct ReportModel: Sendable {
    package struct Tally: Sendable, Hashable {
        package var name: String
        package var enable: Int
        package var disable: Int
        /// Rows decided this way (reason tallies only), changed or not.
        package var rows: Int = 0
        package var total: Int { enable + disable }
    }

    package var plan: Plan
    /// Every reason the policy gave, with the rows it decided and the changes among them,
    /// most changes first: reasons that changed nobody (a rollout holding users back) show too.
    package var byReason: [Tally]
    /// Changes per connection (`(none)` when the export has no connection column).
    package var byConnection: [Tally]
    /// Changes per email domain, lowercased (`(no email)` when there is none).
    package var byEmailDomain: [Tally]
    /// The first operations, in plan order.
    package var sample: [PlanOperation]
    package var sampleLimit: Int
    /// Per column, the users (changes and rejected rows) whose value there holds an invisible,
    /// reordering or control character (see `VisibleText`): such a value may show as another
    /// (`admin\u{202E}moc.live@corp.com`), so reports show the characters escaped and say how
    /// many there are. Only columns with any, in the order user id, email, connection.
    package var invisible: [InvisibleCount]

    /// Users with invisible characters in one column.
    package struct InvisibleCount: Sendable, Hashable {
        /// `user id`, `email` or `connection`.
        package var column: String
        package var users: Int

        /// `3 users with invisible characters in email`.
        package var sentence: String {
            "\(users) user\(users == 1 ? "" : "s") with invisible characters in \(column)"
        }
    }

    package init(plan: Plan, sampleLimit: Int = 25, tallyLimit: Int = 20) {
        self.plan = plan
        self.sampleLimit = sampleLimit
        byReason = plan.summary.byReason
            .map { Tally(name: $0.key, enable: $0.value.enable, disable: $0.value.disable, rows: $0.value.rows) }
            .sorted { a, b in
                a.total != b.total ? a.total > b.total : (a.rows != b.rows ? a.rows > b.rows : a.name < b.name)
            }
        var connections: [String: Tally] = [:]
        var domains: [String: Tally] = [:]
        var flagged = [0, 0, 0]
        for operation in plan.operations {
            let connection = operation.connection ?? "(none)"
            let domain = operation.email.flatMap(Self.domain(of:)) ?? "(no email)"
            connections[connection, default: Tally(name: connection, enable: 0, disable: 0)].count(operation.action)
            domains[domain, default: Tally(name: domain, enable: 0, disable: 0)].count(operation.action)
            for (column, flag) in Self.invisibleColumns(operation).enumerated() where flag { flagged[column] += 1 }
        }
        for row in plan.rejected where VisibleText.containsEscapable(row.userID ?? "") { flagged[0] += 1 }
        byConnection = Self.top(connections.values.sorted(by: Self.order), limit: tallyLimit)
        byEmailDomain = Self.top(domains.values.sorted(by: Self.order), limit: tallyLimit)
        sample = Array(plan.operations.prefix(sampleLimit))
        invisible = zip(Self.invisibleColumnNames, flagged).filter { $0.1 > 0 }.map {
            InvisibleCount(column: $0.0, users: $0.1)
        }
    }

    /// The columns `invisible` counts, in its order.
    static let invisibleColumnNames = ["user id", "email", "connection"]

    /// Whether the operation's user id, email and connection hold invisible characters.
    static func invisibleColumns(_ operation: PlanOperation) -> [Bool] {
        [operation.userID, operation.email ?? "", operation.connection ?? ""].map(VisibleText.containsEscapable)
    }

    /// `invisible characters in email`, naming the operation's columns that hold any; empty
    /// when none does.
    static func invisibleWarning(_ operation: PlanOperation) -> String {
        let columns = zip(invisibleColumnNames, invisibleColumns(operation)).filter(\.1).map(\.0)
        return columns.isEmpty ? "" : "invisible characters in " + columns.joined(separator: ", ")
    }

    /// A headline for the outcome.
    package var headline: String {
        switch plan.outcome {
        case .noChanges: "No changes: the tenant matches the policy"
        case .changes: "\(plan.summary.changes) change\(plan.summary.changes == 1 ? "" : "s") to approve"
        case .guardTripped: "Guard tripped: this plan cannot be applied"
        }
    }

    /// What follows an email's last `@`, lowercased; nil when there is nothing.
    static func domain(of email: String) -> String? {
        guard let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...].lowercased()
        return domain.isEmpty ? nil : domain
    }

    private static func order(_ a: Tally, _ b: Tally) -> Bool {
        a.total != b.total ? a.total > b.total : a.name < b.name
    }

    /// Keeps the largest `limit - 1` and folds the rest into one `(N others)` line.
    private static func top(_ tallies: [Tally], limit: Int) -> [Tally] {
        guard tallies.count > limit else { return tallies }
        let rest = tallies[(limit - 1)...]
        let other = Tally(
            name: "(\(rest.count) others)", enable: rest.reduce(0) { $0 + $1.enable },
            disable: rest.reduce(0) { $0 + $1.disable })
        return Array(tallies.prefix(limit - 1)) + [other]
    }
}

extension ReportModel.Tally {
    fileprivate mutating func count(_ action: PlanAction) {
        switch action {
        case .enable: enable += 1
        case .disable, .unset: disable += 1  // both turn MFA off
        }
    }
}
