/// What one operation does to a user's flag.
package enum PlanAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Set the flag to `true`.
    case enable
    /// Set the flag to `false` (only in `enforce` mode).
    case disable
    /// Delete the flag key (PATCH value `null`); only in undo plans, to restore "absent".
    case unset

    /// The value the flag has after the operation.
    package var desired: FlagValue {
        switch self {
        case .enable: .on
        case .disable: .off
        case .unset: .absent
        }
    }

    /// The action that leaves the flag at `value`; nil for a non-boolean value, which no
    /// action writes back.
    package init?(restoring value: FlagValue) {
        switch value {
        case .on: self = .enable
        case .off: self = .disable
        case .absent: self = .unset
        case .other: return nil
        }
    }

    /// Whether the action turns MFA off for the user (`disable`, `unset`): `apply` asks for
    /// `--allow-disable` before it carries one out.
    package var turnsMFAOff: Bool { self != .enable }
}

/// One change the plan makes: a single PATCH of the one flag key the tool owns.
package struct PlanOperation: Sendable, Hashable, Codable {
    /// A stable id derived from the flag location, the user id and the action: the same change
    /// planned twice has the same id, which is how the journal recognises work already done.
    package var id: String
    package var userID: String
    package var action: PlanAction
    /// The flag's value in the export.
    package var current: FlagValue
    /// The flag's value after the operation.
    package var desired: FlagValue
    /// Why: the policy's reason label (`rule staff`, `allow list`, `deny list`, …).
    package var reason: String
    /// Context for reviewers; not part of the fingerprint.
    package var email: String?
    package var connection: String?
    /// The export the row came from, and the physical line its record starts on.
    package var file: String
    package var line: Int

    package init(
        id: String, userID: String, action: PlanAction, current: FlagValue, reason: String,
        email: String?, connection: String?, file: String, line: Int
    ) {
        self.id = id
        self.userID = userID
        self.action = action
        self.current = current
        self.desired = action.desired
        self.reason = reason
        self.email = email
        self.connection = connection
        self.file = file
        self.line = line
    }

    enum CodingKeys: String, CodingKey {
        case id
        case userID = "user_id"
        case action, current, desired, reason, email, connection, file, line
    }
}
