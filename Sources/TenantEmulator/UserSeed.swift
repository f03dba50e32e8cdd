import MFARollout

/// Turns the rows of an Auth0 export CSV into users.
///
/// `app_metadata.X` / `user_metadata.X` columns (dots nest deeper) become nested metadata,
/// `identities[0].connection`-style columns fill `identities`, and the remaining columns are
/// top-level fields. Values `true`/`false` become booleans and integers numbers, except for
/// fields that are always strings (`user_id`, `email`, `name`, dates…). An empty cell means
/// the field is absent.
enum UserSeed {
    /// Columns whose values are never turned into booleans or numbers.
    static let stringFields: Set<String> = [
        "user_id", "email", "name", "given_name", "family_name", "nickname", "username", "phone_number",
        "picture", "created_at", "updated_at", "last_login", "last_ip", "last_password_reset", "connection",
    ]

    /// One user from parallel `columns` and `values` (nil or empty: absent). Nil when the row
    /// has no `user_id`.
    static func user(columns: [String], values: [String?]) -> User? {
        var root: JSONValue = .object([:])
        for (column, value) in zip(columns, values) {
            guard let value, !value.isEmpty else { continue }
            let steps = FieldPath.steps(column)
            guard !steps.isEmpty else { continue }
            let typed: JSONValue = stringFields.contains(column) ? .string(value) : typedValue(value)
            root = setting(typed, at: steps[...], in: root)
        }
        guard case .object(let fields) = root, fields["user_id"]?.stringValue != nil else { return nil }
        return User(fields: fields)
    }

    static func typedValue(_ text: String) -> JSONValue {
        switch text {
        case "true": return true
        case "false": return false
        default:
            if let number = Int(text), String(number) == text { return .int(number) }
            return .string(text)
        }
    }

    private static func setting(_ value: JSONValue, at steps: ArraySlice<FieldPath.Step>, in container: JSONValue)
        -> JSONValue
    {
        guard let step = steps.first else { return value }
        let rest = steps.dropFirst()
        switch step {
        case .key(let key):
            var members = container.objectValue ?? [:]
            members[key] = setting(value, at: rest, in: members[key] ?? .object([:]))
            return .object(members)
        case .index(let index):
            var items: [JSONValue] = []
            if case .array(let existing) = container { items = existing }
            while items.count <= index { items.append(.object([:])) }
            items[index] = setting(value, at: rest, in: items[index])
            return .array(items)
        }
    }

    /// Header names that are `export_as` aliases of a metadata path.
    static let aliases = ["use_mfa": "app_metadata.use_mfa"]

    /// The users of an export file (plain or gzip CSV), read with MFARollout's `ExportReader`
    /// (Auth0's `'` escaping removed). Every column of the header is kept. The reference for
    /// ``table(fromExport:)``.
    static func users(fromExport path: String) throws -> [User] {
        let (columns, paths) = try header(of: path)
        var users: [User] = []
        try readRows(of: path, columns: columns) { record in
            if let user = user(columns: paths, values: record.strings) { users.append(user) }
        }
        return users
    }

    /// The users of an export file, as ``users(fromExport:)`` gives them (later duplicates of an
    /// id replacing earlier ones), packed straight from the rows (see ``UserTableSeeder``).
    static func table(fromExport path: String) throws -> UserTable {
        let (columns, paths) = try header(of: path)
        var seeder = UserTableSeeder(paths: paths)
        seeder.table.reserveCapacity(ExportReader(sources: [.file(path)]).estimatedLineCount())
        try readRows(of: path, columns: columns) { seeder.add($0) }
        return seeder.table
    }

    /// The header's distinct columns, and the path each stands for (aliases resolved).
    private static func header(of path: String) throws -> (columns: [String], paths: [String]) {
        var columns: [String] = []
        for name in try ExportHeader.columns(ofFile: path) where !columns.contains(name) {
            columns.append(name)
        }
        guard columns.contains("user_id") else {
            throw EmulatorError.unreadableExport(path: path, reason: "no user_id column")
        }
        return (columns, columns.map { aliases[$0] ?? $0 })
    }

    private static func readRows(of path: String, columns: [String], onRecord: (ExportRecord) -> Void) throws {
        do {
            let reader = ExportReader(sources: [.file(path)], dialect: CSVDialect(), userIDColumn: "user_id")
            _ = try reader.readRecords(columns: columns, required: ["user_id"], onRejected: nil, onRecord: onRecord)
        } catch let error as ExportError {
            throw EmulatorError.unreadableExport(path: path, reason: error.description)
        }
    }
}
