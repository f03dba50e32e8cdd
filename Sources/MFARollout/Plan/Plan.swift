import Foundation

/// A plan: exactly which flags change and why, computed without any network access.
///
/// A plan is a value. `apply` carries out exactly the operations in it, after checking the
/// fingerprint, and nothing else. The file format is versioned JSON (see ``PlanFile``).
public struct Plan: Sendable, Hashable, Codable {
    /// The plan file format this build writes and reads.
    public static let currentFormatVersion = 2
    /// The `format` field of every plan file.
    public static let formatName = "mfa-rollout-plan"

    public var format: String = Plan.formatName
    public var formatVersion: Int = Plan.currentFormatVersion
    public var producer: Producer
    /// The tenant the plan was made for, in canonical form (see ``TenantDomain``); `apply`,
    /// `emit` and `undo` refuse another. Nil for a plan made without `--tenant`, which cannot
    /// be applied.
    public var tenant: String?
    public var inputs: [InputFile]
    public var flag: FlagTarget
    /// `enable-only` or `enforce`.
    public var mode: String
    public var summary: PlanSummary
    public var guards: [GuardCheck]
    public var outcome: PlanOutcome
    /// False when a guard tripped: `apply` refuses such a plan.
    public var applicable: Bool
    /// SHA-256 over every byte of the plan file but the fingerprint itself (see ``Fingerprint``).
    public var fingerprint: String
    public var operations: PlanOperations
    public var rejected: [RejectedRow]

    /// A plan made now, in the current format; its outcome follows from the guards and the
    /// number of operations, and its fingerprint from its file's bytes.
    public init(
        producer: Producer, tenant: String? = nil, inputs: [InputFile], flag: FlagTarget, mode: String,
        summary: PlanSummary, guards: [GuardCheck], operations: PlanOperations, rejected: [RejectedRow]
    ) {
        self.init(
            producer: producer, tenant: tenant, inputs: inputs, flag: flag, mode: mode, summary: summary,
            guards: guards, operations: operations, rejected: rejected, fingerprint: "")
        fingerprint = Fingerprint.of(self)
    }

    public init(
        producer: Producer, tenant: String? = nil, inputs: [InputFile], flag: FlagTarget, mode: String,
        summary: PlanSummary, guards: [GuardCheck], operations: [PlanOperation], rejected: [RejectedRow]
    ) {
        self.init(
            producer: producer, tenant: tenant, inputs: inputs, flag: flag, mode: mode, summary: summary,
            guards: guards, operations: PlanOperations(operations), rejected: rejected)
    }

    /// `fingerprint` must be that of the file these fields make, computed by a caller that
    /// wrote the file (see ``PlanFile/Writer``).
    init(
        producer: Producer, tenant: String?, inputs: [InputFile], flag: FlagTarget, mode: String,
        summary: PlanSummary, guards: [GuardCheck], operations: PlanOperations, rejected: [RejectedRow],
        fingerprint: String
    ) {
        self.producer = producer
        self.tenant = tenant
        self.inputs = inputs
        self.flag = flag
        self.mode = mode
        self.summary = summary
        self.guards = guards
        self.operations = operations
        self.rejected = rejected
        self.fingerprint = fingerprint
        outcome = PlanOutcome(guards: guards, operationCount: operations.count)
        applicable = outcome != .guardTripped
    }

    /// Who made the plan, when, and the moment the policy's date conditions were evaluated at.
    public struct Producer: Sendable, Hashable, Codable {
        public var tool: String
        public var version: String
        public var createdAt: Date
        public var asOf: Date

        public init(tool: String = "mfa-rollout", version: String = MFARolloutInfo.version, createdAt: Date, asOf: Date) {
            self.tool = tool
            self.version = version
            self.createdAt = createdAt
            self.asOf = asOf
        }

        enum CodingKeys: String, CodingKey {
            case tool, version, createdAt = "created_at", asOf = "as_of"
        }
    }

    /// An input the plan was computed from, with its SHA-256, so an approver can tell which
    /// export and which policy it reflects.
    public struct InputFile: Sendable, Hashable, Codable {
        public enum Role: String, Sendable, Hashable, Codable {
            case export, policy, list
        }

        public var role: Role
        public var path: String
        public var sha256: String

        public init(role: Role, path: String, sha256: String) {
            self.role = role
            self.path = path
            self.sha256 = sha256
        }
    }

    /// Where the flag lives in the user object, and which export column held its current value.
    public struct FlagTarget: Sendable, Hashable, Codable {
        /// `app_metadata` or `user_metadata`.
        public var container: String
        public var key: String
        public var column: String

        public init(container: String, key: String, column: String) {
            self.container = container
            self.key = key
            self.column = column
        }

        /// `app_metadata.use_mfa`.
        public var location: String { "\(container).\(key)" }

        enum CodingKeys: String, CodingKey {
            case container, key, column, location
        }

        public init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            container = try values.decode(String.self, forKey: .container)
            key = try values.decode(String.self, forKey: .key)
            column = try values.decode(String.self, forKey: .column)
        }

        public func encode(to encoder: any Encoder) throws {
            var values = encoder.container(keyedBy: CodingKeys.self)
            try values.encode(container, forKey: .container)
            try values.encode(key, forKey: .key)
            try values.encode(column, forKey: .column)
            try values.encode(location, forKey: .location)
        }
    }

    /// The fields of ``PlanOutline``, then `operations` and `rejected`. (The plan file is
    /// written by ``PlanFile``, in an order of its own.)
    public func encode(to encoder: any Encoder) throws {
        try outline.encode(to: encoder)
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(operations, forKey: .operations)
        try values.encode(rejected, forKey: .rejected)
    }

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", tenant, producer, inputs, flag, mode, summary, guards
        case outcome, applicable, fingerprint, operations, rejected
    }
}
