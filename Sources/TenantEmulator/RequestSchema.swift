/// The shape of one request body (or query string), as a table drawn from Auth0's OpenAPI
/// description of the Management API: what ``SchemaValidator`` checks before a route acts.
///
/// Each operation keeps its table in one place, named after the spec's schema
/// (``specName``); a test reads the vendored spec subset under `scripts/conformance/spec/` and
/// compares every table with it, so the two cannot drift apart.
struct ObjectSchema: Sendable {
    /// The name under `components.schemas` (or the operation, for a query string).
    var specName: String
    /// Every property a request may send, in the order they are checked.
    var properties: [(name: String, schema: PropertySchema)]
    /// Properties that must be present.
    var required: [String] = []
    /// Whether properties outside ``properties`` are accepted.
    var additionalProperties: Bool = false
    /// The fewest properties a body may have.
    var minProperties: Int?
    /// Properties of the resource a request may not set: refused like unknown ones, as Auth0
    /// does ("Additional properties not allowed").
    var readOnly: [String] = []

    /// The property named `name`.
    func property(_ name: String) -> PropertySchema? {
        properties.first { $0.name == name }?.schema
    }

    /// Properties accepted in a request but never stored or answered.
    var writeOnly: Set<String> {
        Set(properties.filter { $0.schema.writeOnly }.map(\.name))
    }
}

/// One property of an ``ObjectSchema``: JSON Schema's keywords as the spec uses them.
struct PropertySchema: Sendable {
    /// The JSON types allowed (`["string", "null"]` in the spec is `[.string, .null]`).
    var types: Set<JSONType>
    /// ECMA-262 pattern the whole string must match (the spec's patterns are anchored).
    var pattern: String?
    /// Bounds on a string's length, in Unicode code points as JSON Schema counts them.
    var minLength: Int?
    var maxLength: Int?
    /// Lower bound of a number.
    var minimum: Int?
    /// Upper bound of an array's length.
    var maxItems: Int?
    /// The only strings allowed.
    var allowed: [String]?
    /// The spec's `format`; only ``SchemaValidator/checkedFormats`` are checked.
    var format: String?
    /// The shape of each item of an array of objects.
    var items: ObjectSchema?
    /// Accepted in requests, never stored or answered (a password, a directive).
    var writeOnly: Bool = false

    init(
        _ types: Set<JSONType>,
        pattern: String? = nil,
        minLength: Int? = nil,
        maxLength: Int? = nil,
        minimum: Int? = nil,
        maxItems: Int? = nil,
        allowed: [String]? = nil,
        format: String? = nil,
        items: ObjectSchema? = nil,
        writeOnly: Bool = false
    ) {
        self.types = types
        self.pattern = pattern
        self.minLength = minLength
        self.maxLength = maxLength
        self.minimum = minimum
        self.maxItems = maxItems
        self.allowed = allowed
        self.format = format
        self.items = items
        self.writeOnly = writeOnly
    }
}

/// JSON Schema's type names.
enum JSONType: String, Sendable, Hashable, CaseIterable {
    case null, boolean, integer, number, string, array, object

    /// Whether `value` is of this type (an integral number is an integer too).
    func admits(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.string, .string), (.array, .array), (.object, .object): true
        case (.integer, .int), (.number, .int), (.number, .double): true
        case (.integer, .double(let number)): number.rounded(.towardZero) == number && number.isFinite
        default: false
        }
    }
}
