/// Checks a request against an ``ObjectSchema`` and refuses it as Auth0 does: 400 with the
/// Management API's error body and a z-schema style message, e.g.
/// `Payload validation error: 'Expected type boolean but found type string' on property blocked.`
/// The first violation found is reported.
enum SchemaValidator {
    /// Where the checked value came from: the message prefix and `errorCode` differ.
    enum Location: Sendable {
        case body, query, headers

        var prefix: String {
            switch self {
            case .body: "Payload validation error"
            case .query: "Query validation error"
            case .headers: "Headers validation error"
            }
        }

        var errorCode: String {
            switch self {
            case .body: "invalid_body"
            case .query: "invalid_query_string"
            case .headers: "invalid_headers"
            }
        }
    }

    /// The `format`s the emulator checks; others (`strict-uri`, `user-id`) are Auth0's own and
    /// are not emulated.
    static let checkedFormats: Set<String> = ["email"]

    /// The members of `value` when it satisfies `schema`.
    static func validate(_ value: JSONValue, against schema: ObjectSchema, in location: Location) throws(Auth0ErrorBody)
        -> [String: JSONValue]
    {
        do {
            return try members(of: value, schema: schema, path: nil)
        } catch {
            let property = error.path.map { " on property \($0)" } ?? ""
            throw Auth0ErrorBody.badRequest(
                "\(location.prefix): '\(error.message)'\(property).", errorCode: location.errorCode)
        }
    }

    /// One violation: z-schema's message and the property it is about (nil: the whole value).
    struct Violation: Error {
        var message: String
        var path: String?
    }

    private static func members(of value: JSONValue, schema: ObjectSchema, path: String?) throws(Violation) -> [String:
        JSONValue]
    {
        guard case .object(let members) = value else {
            throw Violation(message: "Expected type object but found type \(typeName(value))", path: path)
        }
        if let minimum = schema.minProperties, members.count < minimum {
            throw Violation(
                message: "Too few properties defined (\(members.count)), must be at least \(minimum).", path: path)
        }
        if !schema.additionalProperties {
            let known = Set(schema.properties.map(\.name))
            let extra = members.keys.filter { !known.contains($0) }.sorted()
            if !extra.isEmpty {
                throw Violation(
                    message: "Additional properties not allowed: \(extra.joined(separator: ","))", path: path)
            }
        }
        for name in schema.required where members[name] == nil {
            throw Violation(message: "Missing required property: \(name)", path: path)
        }
        for (name, property) in schema.properties {
            guard let member = members[name] else { continue }
            try check(member, property, path: path.map { "\($0).\(name)" } ?? name)
        }
        return members
    }

    private static func check(_ value: JSONValue, _ schema: PropertySchema, path: String) throws(Violation) {
        guard schema.types.contains(where: { $0.admits(value) }) else {
            let expected = JSONType.allCases.filter { schema.types.contains($0) }.map(\.rawValue).joined(separator: ",")
            throw Violation(message: "Expected type \(expected) but found type \(typeName(value))", path: path)
        }
        switch value {
        case .string(let text):
            try checkString(text, schema, path: path)
        case .int, .double:
            if let minimum = schema.minimum, let number = value.numberValue, number < Double(minimum) {
                throw Violation(message: "Value \(value.encodedText) is less than minimum \(minimum)", path: path)
            }
        case .array(let items):
            if let maximum = schema.maxItems, items.count > maximum {
                throw Violation(message: "Array is too long (\(items.count)), maximum \(maximum)", path: path)
            }
            if let itemSchema = schema.items {
                for (index, item) in items.enumerated() {
                    _ = try members(of: item, schema: itemSchema, path: "\(path)[\(index)]")
                }
            }
        default:
            break
        }
    }

    private static func checkString(_ text: String, _ schema: PropertySchema, path: String) throws(Violation) {
        if let allowed = schema.allowed, !allowed.contains(text) {
            throw Violation(message: "No enum match for: \(JSONValue.string(text).encodedText)", path: path)
        }
        let length = text.unicodeScalars.count
        if let minimum = schema.minLength, length < minimum {
            throw Violation(message: "String is too short (\(length) chars), minimum \(minimum)", path: path)
        }
        if let maximum = schema.maxLength, length > maximum {
            throw Violation(message: "String is too long (\(length) chars), maximum \(maximum)", path: path)
        }
        if let pattern = schema.pattern, !SchemaPattern.matches(text, pattern: pattern) {
            throw Violation(message: "String does not match pattern \(pattern): \(text)", path: path)
        }
        if let format = schema.format, checkedFormats.contains(format), !EmailAddress.isValid(text) {
            throw Violation(message: "Object didn't pass validation for format \(format): \(text)", path: path)
        }
    }

    /// z-schema's name for a value's type: integral numbers are `integer`.
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .int: "integer"
        case .double(let number): JSONType.integer.admits(.double(number)) ? "integer" : "number"
        default: value.typeName
        }
    }
}

extension JSONValue {
    /// The number, nil for any other value.
    var numberValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}
