/// Auth0's `PATCH /api/v2/users/{id}` semantics: top-level fields replace, `app_metadata` and
/// `user_metadata` merge at the first level, a `null` deletes a key, `{}` wipes the object.
struct UserPatch: Sendable {
    /// The two metadata objects that merge instead of replacing.
    static let metadataFields: Set<String> = ["app_metadata", "user_metadata"]

    /// The decoded request body.
    let body: [String: JSONValue]

    /// Why a body is refused; `message` is the `message` of Auth0's 400 body.
    struct Invalid: Error, Equatable {
        let message: String
    }

    /// Checks a body sent to the admin surface: an object with at least one property, metadata
    /// objects whose key names (at any depth) hold no `.` or `$`, and no attempt to change
    /// `user_id`. (The Management API checks its bodies against the spec first, with
    /// ``UpdateUserRequest``, then comes here through ``init(checked:)``.)
    init(body value: JSONValue) throws(Invalid) {
        guard case .object(let body) = value else {
            throw Invalid(message: "Payload validation error: 'Expected type object but found type \(value.typeName)'.")
        }
        guard !body.isEmpty else {
            throw Invalid(message: "Payload validation error: 'Too few properties defined (0), must be at least 1.'.")
        }
        if body["user_id"] != nil {
            throw Invalid(message: "Payload validation error: 'Additional properties not allowed: user_id'.")
        }
        for field in Self.metadataFields.sorted() {
            guard let metadata = body[field] else { continue }
            switch metadata {
            case .object, .null: break
            default:
                throw Invalid(
                    message:
                        "Payload validation error: 'Expected type object but found type \(metadata.typeName)' on property \(field)."
                )
            }
        }
        try self.init(checked: body)
    }

    /// A body whose shape is already checked: only Auth0's rule on metadata key names is left
    /// (no `.` or `$` at any depth).
    init(checked body: [String: JSONValue]) throws(Invalid) {
        for field in Self.metadataFields.sorted() {
            guard let metadata = body[field] else { continue }
            if let bad = Self.invalidKey(in: metadata, path: field) {
                throw Invalid(
                    message:
                        "Payload validation error: 'Invalid metadata key name: \(bad)'. Key names may not contain '.' or '$'."
                )
            }
        }
        self.body = body
    }

    /// Which top-level fields the patch touches.
    var touchedFields: Set<String> { Set(body.keys) }

    /// The user after the patch (without `updated_at`, which the store moves).
    func applied(to user: User) -> User {
        var fields = user.fields
        for (key, value) in body {
            if Self.metadataFields.contains(key) {
                fields[key] = .object(Self.merge(fields[key]?.objectValue ?? [:], with: value))
            } else if value == .null {
                fields.removeValue(forKey: key)
            } else {
                fields[key] = value
            }
        }
        return User(fields: fields)
    }

    /// First-level merge; `{}` (or `null`) wipes, a `null` member deletes that key.
    static func merge(_ current: [String: JSONValue], with patch: JSONValue) -> [String: JSONValue] {
        guard case .object(let members) = patch, !members.isEmpty else { return [:] }
        var merged = current
        for (key, value) in members {
            if value == .null {
                merged.removeValue(forKey: key)
            } else {
                merged[key] = value
            }
        }
        return merged
    }

    private static func invalidKey(in value: JSONValue, path: String) -> String? {
        switch value {
        case .object(let members):
            for key in members.keys.sorted() {
                if key.contains(".") || key.contains("$") { return "\(path).\(key)" }
                if let bad = invalidKey(in: members[key]!, path: "\(path).\(key)") { return bad }
            }
            return nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let bad = invalidKey(in: item, path: "\(path)[\(index)]") { return bad }
            }
            return nil
        default:
            return nil
        }
    }
}

extension JSONValue {
    /// The JSON type name, for validation messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
