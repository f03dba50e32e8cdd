/// An allow or deny list: user ids (compared exactly) and emails (compared case-insensitively).
package struct UserList: Sendable, Hashable {
    /// User ids, exactly as written.
    package private(set) var ids: Set<String>
    /// Emails, lowercased.
    package private(set) var emails: Set<String>

    package init(ids: Set<String> = [], emails: Set<String> = []) {
        self.ids = ids
        self.emails = Set(emails.map { $0.lowercased() })
    }

    package var isEmpty: Bool { ids.isEmpty && emails.isEmpty }

    /// Adds one entry, deciding by `UserListEntry.classify`.
    package mutating func add(_ entry: String) {
        switch UserListEntry.classify(entry) {
        case .id(let id): ids.insert(id)
        case .email(let email): emails.insert(email)
        }
    }

    mutating func insert(id: String) { ids.insert(id) }
    mutating func insert(email: String) { emails.insert(email.lowercased()) }

    mutating func formUnion(_ other: UserList) {
        ids.formUnion(other.ids)
        emails.formUnion(other.emails)
    }

    /// Whether the row's user id or email is on the list.
    func contains(userID: String?, email: String?) -> Bool {
        if let userID, !ids.isEmpty, ids.contains(userID) { return true }
        if let email, !emails.isEmpty, !email.isEmpty {
            return emails.contains(Self.hasUppercase(email) ? email.lowercased() : email)
        }
        return false
    }

    private static func hasUppercase(_ s: String) -> Bool {
        for byte in s.utf8 where byte >= 0x41 && byte <= 0x5A || byte >= 0x80 { return true }
        return false
    }
}

/// One line of a list file.
package enum UserListEntry: Sendable, Hashable {
    case id(String)
    /// Lowercased.
    case email(String)

    /// The rule: an entry that contains `@` and no `|` is an email; anything else is a user id.
    /// (`samlp|conn|jane@example.com` is a user id; `Jane@Example.com` is the email `jane@example.com`.)
    package static func classify(_ entry: String) -> UserListEntry {
        if entry.contains("@") && !entry.contains("|") { return .email(entry.lowercased()) }
        return .id(entry)
    }
}
