import Foundation

/// A plan: exactly which flags change and why, computed without any network access.
///
/// A plan is a value: its ``PlanOutline`` (what it was made from, counts, guards, outcome,
/// fingerprint, rows set aside) and its operations. `apply` carries out exactly the operations,
/// after checking the fingerprint, and nothing else. The outline's fields read as the plan's
/// own (`plan.fingerprint`). The file format is versioned JSON (see ``PlanFile``).
@dynamicMemberLookup
package struct Plan: Sendable, Hashable, Codable {
    /// The plan file format this build writes and reads. 3: operations carry the source key's
    /// before and after (flag ownership), which a build reading 2 would not write.
    package static let currentFormatVersion = 3
    /// The `format` field of every plan file.
    package static let formatName = "mfa-rollout-plan"

    /// Everything but the operations.
    package var outline: PlanOutline
    package var operations: PlanOperations

    package subscript<Value>(dynamicMember field: WritableKeyPath<PlanOutline, Value>) -> Value {
        get { outline[keyPath: field] }
        set { outline[keyPath: field] = newValue }
    }

    /// A plan made now, in the current format; its outcome follows from the guards and the
    /// number of operations, and its fingerprint from its file's bytes.
    package init(
        producer: Producer, tenant: String? = nil, inputs: [InputFile], flag: FlagTarget, mode: PlanMode,
        summary: PlanSummary, guards: [GuardCheck], operations: PlanOperations, rejected: [RejectedRow]
    ) {
        let heading = PlanHeading(tenant: tenant, producer: producer, flag: flag, mode: mode)
        self.init(
            outline: PlanOutline(
                heading: heading, inputs: inputs, summary: summary, guards: guards, operationCount: operations.count,
                rejected: rejected),
            operations: operations)
        outline.fingerprint = Fingerprint.of(self)
    }

    package init(
        producer: Producer, tenant: String? = nil, inputs: [InputFile], flag: FlagTarget, mode: PlanMode,
        summary: PlanSummary, guards: [GuardCheck], operations: [PlanOperation], rejected: [RejectedRow]
    ) {
        self.init(
            producer: producer, tenant: tenant, inputs: inputs, flag: flag, mode: mode, summary: summary,
            guards: guards, operations: PlanOperations(operations), rejected: rejected)
    }

    /// The plan `outline` describes, with its operations (as many as it counts); the outline's
    /// fingerprint must be that of the file they make, computed by whoever wrote it.
    init(outline: PlanOutline, operations: PlanOperations) {
        precondition(outline.operationCount == operations.count, "an outline with other operations than it counts")
        self.outline = outline
        self.operations = operations
    }

    /// Who made the plan, when, and the moment the policy's date conditions were evaluated at.
    package struct Producer: Sendable, Hashable, Codable {
        package var tool: String
        package var version: String
        package var createdAt: Date
        package var asOf: Date

        package init(
            tool: String = "mfa-rollout", version: String = MFARolloutInfo.version, createdAt: Date, asOf: Date
        ) {
            self.tool = tool
            self.version = version
            self.createdAt = createdAt
            self.asOf = asOf
        }

        enum CodingKeys: String, CodingKey {
            case tool, version
            case createdAt = "created_at"
            case asOf = "as_of"
        }
    }

    /// An input the plan was computed from, with its SHA-256, so an approver can tell which
    /// export and which policy it reflects.
    package struct InputFile: Sendable, Hashable, Codable {
        package enum Role: String, Sendable, Hashable, Codable {
            case export, policy, list
            /// The membership file (`plan --members`).
            case members
        }

        package var role: Role
        package var path: String
        package var sha256: String

        package init(role: Role, path: String, sha256: String) {
            self.role = role
            self.path = path
            self.sha256 = sha256
        }
    }

    /// Where the flag lives in the user object, and which export column held its current value.
    package struct FlagTarget: Sendable, Hashable, Codable {
        /// `app_metadata` or `user_metadata`.
        package var container: String
        package var key: String
        package var column: String
        /// The source key written with the flag to mark it as the rollout's; nil in plans
        /// made without one (operations then carry no `source_current`/`source_desired`).
        package var source: SourceTarget?

        package init(container: String, key: String, column: String, source: SourceTarget? = nil) {
            self.container = container
            self.key = key
            self.column = column
            self.source = source
        }

        /// `app_metadata.use_mfa`.
        package var location: String { "\(container).\(key)" }

        enum CodingKeys: String, CodingKey {
            case container, key, column, location, source
        }

        package init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            container = try values.decode(String.self, forKey: .container)
            key = try values.decode(String.self, forKey: .key)
            column = try values.decode(String.self, forKey: .column)
            source = try values.decodeIfPresent(SourceTarget.self, forKey: .source)
        }

        package func encode(to encoder: any Encoder) throws {
            var values = encoder.container(keyedBy: CodingKeys.self)
            try values.encode(container, forKey: .container)
            try values.encode(key, forKey: .key)
            try values.encode(column, forKey: .column)
            try values.encode(location, forKey: .location)
            try values.encodeIfPresent(source, forKey: .source)
        }
    }

    /// Where the source key lives, the export column it was read from, the marker value, and
    /// which flags `enforce` turned off (see ``FlagOwnership``).
    package struct SourceTarget: Sendable, Hashable, Codable {
        /// `app_metadata` or `user_metadata`.
        package var container: String
        package var key: String
        package var column: String
        package var value: String
        package var disable: DisableScope

        package init(container: String, key: String, column: String, value: String, disable: DisableScope) {
            self.container = container
            self.key = key
            self.column = column
            self.value = value
            self.disable = disable
        }

        /// `app_metadata.use_mfa_source`.
        package var location: String { "\(container).\(key)" }
    }

    /// The fields of ``PlanOutline``, then `operations` and `rejected`. (The plan file is
    /// written by ``PlanFile``, in an order of its own.)
    package func encode(to encoder: any Encoder) throws {
        try outline.encode(to: encoder)
        var values = encoder.container(keyedBy: PlanOutline.CodingKeys.self)
        try values.encode(operations, forKey: .operations)
        try values.encode(outline.rejected, forKey: .rejected)
    }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: PlanOutline.CodingKeys.self)
        let operations = try values.decode(PlanOperations.self, forKey: .operations)
        var outline = try PlanOutline(from: decoder)
        outline.operationCount = operations.count
        self.init(outline: outline, operations: operations)
    }
}
