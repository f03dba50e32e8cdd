import Foundation

/// `application/x-www-form-urlencoded` text, a request body or a query string, as name/value
/// pairs in the order sent (`+` is a space; a name may repeat).
struct FormFields: Sendable, Equatable {
    /// Every pair, in order.
    var pairs: [(name: String, value: String)]

    /// Nil when a name or value has broken percent-encoding.
    init?(_ text: String) {
        var pairs: [(name: String, value: String)] = []
        for segment in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = segment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count == 2 ? parts[1] : "") else {
                return nil
            }
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    /// The values sent for `name`, in order.
    func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// The names sent, each once, in order of first appearance.
    var names: [String] {
        var seen = Set<String>()
        return pairs.map(\.name).filter { seen.insert($0).inserted }
    }

    /// The fields as a JSON object typed by `schema`, as Auth0's form parser and validator take
    /// them: a value becomes a boolean (`true`/`false`, any case), a number, or null (`null`) when
    /// the property allows that type and the text reads as one, else it stays a string (a form
    /// has no other way to send null, so a nullable string cannot be the text `null`); a name sent more than
    /// once, or an array property, becomes an array of strings. The validator then judges the
    /// result (an object cannot be sent as a form field).
    func typed(by schema: ObjectSchema) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for name in names {
            let values = values(name)
            let property = schema.property(name)
            let types = property?.types ?? [.string]
            if values.count > 1 || types.contains(.array) {
                members[name] = .array(values.map(JSONValue.string))
            } else {
                members[name] = Self.typed(values[0], types: types)
            }
        }
        return .object(members)
    }

    static func typed(_ text: String, types: Set<JSONType>) -> JSONValue {
        if types.contains(.null), text == "null" { return .null }
        if types.contains(.boolean) {
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: break
            }
        }
        if types.contains(.integer) || types.contains(.number), let number = Int(text) {
            return .int(number)
        }
        // Beyond Int's range, or written with a fraction or exponent: JSON Schema's integer is
        // any integral number.
        if let number = Double(text), number.isFinite,
            types.contains(.number) || (types.contains(.integer) && JSONType.integer.admits(.double(number)))
        {
            return .double(number)
        }
        return .string(text)
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    static func == (lhs: FormFields, rhs: FormFields) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }
}
