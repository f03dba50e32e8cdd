import Foundation

/// A user as the Management API answers it: write-only fields (``UpdateUserRequest``) never
/// appear, and `GET /api/v2/users/{id}` selects members with `fields` and `include_fields`.
enum UserAnswer {
    /// The query of `GET /api/v2/users/{id}` (operation `get_users_by_id`); other query
    /// parameters are ignored.
    static let query = ObjectSchema(
        specName: "get_users_by_id",
        properties: [
            ("fields", .init([.string])),
            ("include_fields", .init([.boolean])),
        ],
        additionalProperties: true
    )

    /// The user's JSON; with `fields` (comma-separated names), only those members, or with
    /// `include_fields=false` every member but those. An empty `fields` selects everything.
    static func json(_ user: User, query: [String: JSONValue] = [:]) -> JSONValue {
        var members = user.fields
        for name in UpdateUserRequest.schema.writeOnly { members[name] = nil }
        let names = Set(
            (query["fields"]?.stringValue ?? "").split(separator: ",").map {
                String($0).trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty })
        guard !names.isEmpty else { return .object(members) }
        let include = query["include_fields"]?.boolValue ?? true
        return .object(members.filter { names.contains($0.key) == include })
    }
}
