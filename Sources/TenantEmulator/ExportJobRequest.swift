/// The body of `POST /api/v2/jobs/users-exports`: the spec's `CreateExportUsersRequestContent`,
/// with Auth0's documented cap on the number of fields, ``ExportJobs/maximumFields`` (a listed
/// exception in `scripts/conformance/spec/exceptions.json`).
struct ExportJobRequest: Sendable, Equatable {
    /// The file's format.
    enum Format: String, Sendable, Equatable {
        /// Auth0's CSV (see ``ExportFile``).
        case csv
        /// One JSON object per user and line.
        case json
    }

    static let fieldSchema = ObjectSchema(
        specName: "CreateExportUsersFields",
        properties: [
            ("name", .init([.string], maxLength: 100)),
            ("export_as", .init([.string], maxLength: 100)),
        ],
        required: ["name"],
        additionalProperties: false
    )

    static let schema = ObjectSchema(
        specName: "CreateExportUsersRequestContent",
        properties: [
            ("connection_id", .init([.string], pattern: "^con_[A-Za-z0-9]{16}$")),
            ("format", .init([.string], allowed: ["json", "csv"])),
            ("limit", .init([.integer], minimum: 1)),
            ("fields", .init([.array], maxItems: ExportJobs.maximumFields, items: fieldSchema)),
        ],
        additionalProperties: false
    )

    /// The requested columns; Auth0's default set when none are named.
    var fields: [ExportFile.Field]
    var format: Format
    /// At most this many users.
    var limit: Int?
    /// The connection to export; nil: every connection.
    var connectionID: String?

    /// A body checked against ``schema``.
    init(body: JSONValue) throws(Auth0ErrorBody) {
        let members = try SchemaValidator.validate(body, against: Self.schema, in: .body)
        format = members["format"]?.stringValue.flatMap(Format.init(rawValue:)) ?? .csv
        connectionID = members["connection_id"]?.stringValue
        // The schema has made `limit` an integral number of at least 1.
        limit = members["limit"]?.numberValue.map { Int(exactly: $0.rounded()) ?? Int.max }
        let named: [ExportFile.Field] =
            (members["fields"].flatMap { value -> [JSONValue]? in
                if case .array(let items) = value { return items }
                return nil
            } ?? []).map { item in
                ExportFile.Field(name: item["name"]?.stringValue ?? "", exportAs: item["export_as"]?.stringValue)
            }
        fields = named.isEmpty ? ExportJobs.defaultFields : named
    }
}
