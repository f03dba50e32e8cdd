import Foundation

/// A role as `GET /api/v2/roles` lists it.
package struct RoleSummary: Sendable, Equatable, Decodable {
    package var id: String
    package var name: String

    package init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// An organization as `GET /api/v2/organizations/{id}` and `/name/{name}` answer it.
package struct OrganizationSummary: Sendable, Equatable, Decodable {
    package var id: String
    package var name: String

    package init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// A role user or organization member: only the id is used.
struct MemberEntry: Decodable {
    var userID: String

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
    }
}

/// Reading roles, organizations and their members, through the same rate limiter, retries and
/// token handling as every other call (`perform`).
///
/// Members are read with checkpoint pagination (`take`, then `from` = the previous page's
/// `next`): offset paging stops at 1,000 results.
extension ManagementClient {
    /// Page size of the checkpoint reads: Auth0's maximum `take`.
    package static let memberPageSize = 100

    /// `GET /api/v2/roles?name_filter=NAME`, every page: the roles whose name contains `name`
    /// (Auth0 filters by substring, case-insensitively).
    package func findRoles(nameFilter name: String, observer: AttemptObserver? = nil)
        async throws(ManagementAPIError) -> [RoleSummary]
    {
        struct Page: Decodable {
            var roles: [RoleSummary]
            var total: Int
        }
        let operation = "GET /api/v2/roles"
        var roles: [RoleSummary] = []
        var page = 0
        while true {
            let exchange = try await perform(
                .GET,
                path:
                    "roles?name_filter=\(Self.queryValue(name))&per_page=\(Self.memberPageSize)&page=\(page)&include_totals=true",
                operation: operation, correlationID: nil, observer: observer)
            let answer = try decodeAnswer(Page.self, exchange, operation: operation)
            roles += answer.roles
            page += 1
            if answer.roles.isEmpty || roles.count >= answer.total { return roles }
        }
    }

    /// `GET /api/v2/roles/{id}/users`, every page (checkpoint pagination); `onPage` gets each
    /// page's user ids as they arrive.
    package func roleUsers(
        roleID: String, observer: AttemptObserver? = nil, onPage: (([String]) -> Void)? = nil
    ) async throws(ManagementAPIError) -> [String] {
        try await checkpointPages(
            path: "roles/\(PathEncoding.encodeSegment(roleID))/users", key: "users",
            operation: "GET /api/v2/roles/{id}/users", observer: observer, onPage: onPage)
    }

    /// `GET /api/v2/organizations/name/{name}`; nil when there is none (404).
    package func organization(named name: String, observer: AttemptObserver? = nil)
        async throws(ManagementAPIError) -> OrganizationSummary?
    {
        let operation = "GET /api/v2/organizations/name/{name}"
        do throws(ManagementAPIError) {
            let exchange = try await perform(
                .GET, path: "organizations/name/\(PathEncoding.encodeSegment(name))", operation: operation,
                correlationID: nil, observer: observer)
            return try decodeAnswer(OrganizationSummary.self, exchange, operation: operation)
        } catch {
            if error.isNotFound { return nil }
            throw error
        }
    }

    /// `GET /api/v2/organizations/{id}`; nil when there is none (404).
    package func organization(id: String, observer: AttemptObserver? = nil)
        async throws(ManagementAPIError) -> OrganizationSummary?
    {
        let operation = "GET /api/v2/organizations/{id}"
        do throws(ManagementAPIError) {
            let exchange = try await perform(
                .GET, path: "organizations/\(PathEncoding.encodeSegment(id))", operation: operation,
                correlationID: nil, observer: observer)
            return try decodeAnswer(OrganizationSummary.self, exchange, operation: operation)
        } catch {
            if error.isNotFound { return nil }
            throw error
        }
    }

    /// `GET /api/v2/organizations/{id}/members`, every page (checkpoint pagination).
    package func organizationMembers(
        organizationID: String, observer: AttemptObserver? = nil, onPage: (([String]) -> Void)? = nil
    ) async throws(ManagementAPIError) -> [String] {
        try await checkpointPages(
            path: "organizations/\(PathEncoding.encodeSegment(organizationID))/members", key: "members",
            operation: "GET /api/v2/organizations/{id}/members", observer: observer, onPage: onPage)
    }

    /// Every page of a checkpoint-paginated list: `take=100`, then `from=<next>` until an answer
    /// has no `next`.
    private func checkpointPages(
        path: String, key: String, operation: String, observer: AttemptObserver?, onPage: (([String]) -> Void)?
    ) async throws(ManagementAPIError) -> [String] {
        typealias Page = CheckpointPage
        var ids: [String] = []
        var from: String?
        var seen: Set<String> = []
        while true {
            var query = "take=\(Self.memberPageSize)"
            if let from { query += "&from=\(Self.queryValue(from))" }
            let exchange = try await perform(
                .GET, path: path + "?" + query, operation: operation, correlationID: nil, observer: observer)
            let decoder = JSONDecoder()
            decoder.userInfo[Page.listKey] = key
            let page: Page
            do {
                page = try decoder.decode(Page.self, from: Data(exchange.body))
            } catch {
                throw .invalidResponse(
                    status: exchange.status, reason: "cannot decode the answer: \(error)", operation: operation)
            }
            let pageIDs = page.entries.map(\.userID)
            ids += pageIDs
            onPage?(pageIDs)
            guard let next = page.next, !next.isEmpty else { return ids }
            // A server handing back a token it already gave would loop forever.
            guard seen.insert(next).inserted else {
                throw .invalidResponse(
                    status: exchange.status, reason: "the checkpoint token repeats: paging would not end",
                    operation: operation)
            }
            from = next
        }
    }

    private func decodeAnswer<T: Decodable>(_ type: T.Type, _ exchange: HTTPExchange, operation: String)
        throws(ManagementAPIError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: Data(exchange.body))
        } catch {
            throw .invalidResponse(
                status: exchange.status, reason: "cannot decode the answer: \(error)", operation: operation)
        }
    }

    /// A query value percent-encoded: everything but RFC 3986's unreserved characters.
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// One page of a checkpoint-paginated list: its entries under `users` or `members` (the key
/// given in the decoder's `userInfo`), and the `next` token, absent on the last page.
private struct CheckpointPage: Decodable {
    var entries: [MemberEntry]
    var next: String?

    static let listKey = CodingUserInfoKey(rawValue: "listKey")!

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: Key.self)
        let key = decoder.userInfo[Self.listKey] as? String ?? "users"
        entries = try values.decodeIfPresent([MemberEntry].self, forKey: Key(stringValue: key)) ?? []
        next = try values.decodeIfPresent(String.self, forKey: Key(stringValue: "next"))
    }
}
