import Foundation

/// The tenant's users and the log of requests it answered.
///
/// Users are kept packed (``UserTable``); a ``User`` is made only for the user a request
/// touches, and exports read a snapshot user by user.
package actor TenantStore {
    private var table: UserTable
    private var log: [RequestLogEntry] = []
    private let clock: any EmulatorClock

    /// A tenant holding `users` (later duplicates of an id replace earlier ones).
    package init(users: [User] = [], clock: any EmulatorClock = SystemClock()) {
        var table = UserTable()
        for user in users { table.put(user) }
        self.init(table: table, clock: clock)
    }

    /// A tenant holding the users of `table`.
    init(table: UserTable, clock: any EmulatorClock = SystemClock()) {
        self.table = table
        self.clock = clock
    }

    /// Every user, in insertion order. Makes every ``User``: for a large tenant, read a
    /// ``snapshot()`` user by user instead.
    package func allUsers() -> [User] { table.users(0..<table.count) }

    /// How many users the tenant holds.
    package var userCount: Int { table.count }

    /// The users as they are now, unaffected by later changes.
    func snapshot() -> UserTable { table }

    /// The user with this id (already percent-decoded).
    package func user(id: String) -> User? { table.position(of: id).map { table.user(at: $0) } }

    /// Adds a user or replaces the one with the same id.
    package func put(_ user: User) { table.put(user) }

    /// Applies a PATCH. Returns the updated user and whether a stored value other than
    /// `updated_at` changed; nil when the user does not exist. `updated_at` always moves.
    func patch(id: String, with patch: UserPatch) -> (user: User, changed: Bool)? {
        guard let before = user(id: id) else { return nil }
        var after = patch.applied(to: before)
        after.fields["updated_at"] = before.fields["updated_at"]
        let changed = after != before
        after.fields["updated_at"] = .string(clock.timestamp())
        table.put(after)
        return (after, changed)
    }

    // MARK: Request log

    /// Appends one line to the request log.
    package func record(_ entry: RequestLogEntry) { log.append(entry) }

    /// The request log, oldest first.
    package func requests() -> [RequestLogEntry] { log }

    /// Empties the request log.
    package func clearRequests() { log.removeAll() }

    // MARK: State file

    /// Writes the users as a JSON array, one user at a time.
    package func save(to path: String) throws {
        var data = Data("[".utf8)
        for position in 0..<table.count {
            if position > 0 { data.append(UInt8(ascii: ",")) }
            data.append(table.user(at: position).json.encoded())
        }
        data.append(UInt8(ascii: "]"))
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads users saved by ``save(to:)``.
    package static func loadUsers(from path: String) throws -> [User] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode([User].self, from: data)
    }
}

/// One answered (or dropped) request, as `GET /__emulator/requests` lists it.
package struct RequestLogEntry: Sendable, Equatable, Codable {
    /// `GET`, `PATCH`, …
    package var method: String
    /// The path exactly as received, percent-encoding intact, without the query.
    package var path: String
    /// The status answered; for a connection dropped before answering, the status that would
    /// have been sent (drop-after-write) or 0 (dropped before doing anything).
    package var status: Int
    /// ISO-8601 time the request was answered.
    package var time: String
    /// True only when a PATCH altered a stored value other than `updated_at`.
    package var changed: Bool
    /// The `X-Correlation-ID` header, if any.
    package var correlationID: String?
    /// True when the connection was closed instead of answered.
    package var dropped: Bool

    package init(
        method: String, path: String, status: Int, time: String, changed: Bool, correlationID: String?,
        dropped: Bool = false
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.time = time
        self.changed = changed
        self.correlationID = correlationID
        self.dropped = dropped
    }

    enum CodingKeys: String, CodingKey {
        case method, path, status, time, changed, dropped
        case correlationID = "correlation_id"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(method, forKey: .method)
        try container.encode(path, forKey: .path)
        try container.encode(status, forKey: .status)
        try container.encode(time, forKey: .time)
        try container.encode(changed, forKey: .changed)
        try container.encode(correlationID, forKey: .correlationID)  // null when absent
        try container.encode(dropped, forKey: .dropped)
    }
}
