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
    /// The source key's value before and after (see ``FlagOwnership``), when the plan's flag
    /// has a source key; nil in plans without one.
    package var source: SourceChange?

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
        case sourceCurrent = "source_current"
        case sourceDesired = "source_desired"
    }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        id = try values.decode(String.self, forKey: .id)
        userID = try values.decode(String.self, forKey: .userID)
        action = try values.decode(PlanAction.self, forKey: .action)
        current = try values.decode(FlagValue.self, forKey: .current)
        desired = try values.decode(FlagValue.self, forKey: .desired)
        reason = try values.decode(String.self, forKey: .reason)
        email = try values.decodeIfPresent(String.self, forKey: .email)
        connection = try values.decodeIfPresent(String.self, forKey: .connection)
        file = try values.decode(String.self, forKey: .file)
        line = try values.decode(Int.self, forKey: .line)
        // Both keys or neither: a null value is a key that is (or becomes) absent.
        if values.contains(.sourceCurrent) || values.contains(.sourceDesired) {
            source = SourceChange(
                current: try values.decode(String?.self, forKey: .sourceCurrent),
                desired: try values.decode(String?.self, forKey: .sourceDesired))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(id, forKey: .id)
        try values.encode(userID, forKey: .userID)
        try values.encode(action, forKey: .action)
        try values.encode(current, forKey: .current)
        try values.encode(desired, forKey: .desired)
        try values.encode(reason, forKey: .reason)
        try values.encodeIfPresent(email, forKey: .email)
        try values.encodeIfPresent(connection, forKey: .connection)
        try values.encode(file, forKey: .file)
        try values.encode(line, forKey: .line)
        if let source {
            try values.encode(source.current, forKey: .sourceCurrent)
            try values.encode(source.desired, forKey: .sourceDesired)
        }
    }
}

/// What one operation does to the source key that marks flags the rollout set: its value in
/// the export and the value the PATCH leaves (nil: the key is absent, or deleted).
package struct SourceChange: Sendable, Hashable {
    package var current: String?
    package var desired: String?

    package init(current: String?, desired: String?) {
        self.current = current
        self.desired = desired
    }
}
