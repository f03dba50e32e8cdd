import Testing

@testable import MFARollout

/// `UserListMatcher` (lists looked up from a row's bytes) against `UserList.contains`, the
/// reference on `String`s, over lists and values on the edges: case, canonical equivalence,
/// non-ASCII, the characters next to A and Z, empty values, missing columns, and random
/// lists of many entries.
@Suite("allow and deny lists from bytes against UserList")
struct UserListMatcherTests {
    static let entries = [
        "auth0|1", "AUTH0|1", "google-oauth2|123", "samlp|acme|jane@example.com", "jane@example.com",
        "Boss@Example.COM", "k", "\u{212A}", "caf\u{E9}@x.org", "cafe\u{301}@y.org", "\u{212A}@kelvin.org",
        "ÉLODIE@X.ORG",
        "a\u{0}b", "", "x@", "@y", "auth0|abcdefghijklmnopqrstuvwxyz0123456789", "a@[`{z.org",
    ]
    static let values: [String?] = [
        nil, "", "auth0|1", "Auth0|1", "AUTH0|1", "google-oauth2|123", "google-oauth2|1234", "jane@example.com",
        "JANE@EXAMPLE.COM", "boss@example.com", "BOSS@example.com", "K", "k", "\u{212A}", "caf\u{E9}@x.org",
        "cafe\u{301}@x.org", "CAF\u{C9}@X.ORG", "cafe\u{301}@y.org", "k@kelvin.org", "K@KELVIN.ORG", "élodie@x.org",
        "a\u{0}b", "x@", "@y", "samlp|acme|jane@example.com", "auth0|abcdefghijklmnopqrstuvwxyz0123456789",
        "auth0|abcdefghijklmnopqrstuvwxyz012345678", "A@[`{Z.ORG", "a@{`[z.org", "a@[@{z.org", "a@[`{z.orG",
    ]

    /// Looks `values` up in `lists` (as ids and as emails, every pair) and compares each
    /// list's answer with `UserList.contains`.
    static func check(_ lists: [UserList], values: [String?]) {
        let matcher = UserListMatcher(lists)
        #expect(matcher.isEmpty == lists.allSatisfy(\.isEmpty))
        for userID in values {
            for email in values {
                let found = ExportRecord.withValues([userID, email]) {
                    matcher.lists(holdingUserID: $0.bytes(0), email: $0.bytes(1))
                }
                for (index, list) in lists.enumerated() {
                    #expect(
                        (found >> UInt8(index)) & 1 == (list.contains(userID: userID, email: email) ? 1 : 0),
                        "list \(index): \(String(describing: userID)) / \(String(describing: email))")
                }
            }
        }
    }

    @Test("lists of the edge entries (alone, together, two at once) answer as UserList does")
    func edgeEntries() {
        // Each entry alone, the ASCII ones together, and all together.
        var lists = Self.entries.map { entry -> UserList in
            var list = UserList()
            list.add(entry)
            return list
        }
        var ascii = UserList()
        var all = UserList()
        for entry in Self.entries {
            all.add(entry)
            if entry.utf8.allSatisfy({ $0 < 0x80 }) { ascii.add(entry) }
        }
        lists += [ascii, all, UserList(), UserList(ids: Set(Self.entries)), UserList(emails: Set(Self.entries))]
        for list in lists { Self.check([list], values: Self.values) }
        // Two lists at once (deny and allow), sharing entries.
        Self.check([ascii, all], values: Self.values)
        Self.check([UserList(), all], values: Self.values)
        Self.check([lists[0], lists[4]], values: Self.values)
    }

    @Test("random lists of up to thousands of entries answer as UserList does, for members and near misses")
    func randomLists() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019|@.-_+é\u{212A}")
        func word() -> String {
            String(
                (0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for size in [1, 2, 7, 100, 3000] {
            var list = UserList()
            var members: [String] = []
            for _ in 0..<size {
                let entry = Bool.random(using: &generator) ? "auth0|\(word())" : "\(word())@\(word()).com"
                list.add(entry)
                members.append(entry)
            }
            var values: [String?] = [nil, ""]
            for member in members.prefix(60) {
                values += [member, member.uppercased(), member.lowercased(), String(member.dropLast()), member + "x"]
            }
            for _ in 0..<40 { values.append(word()) }
            Self.check([list], values: values)
            Self.check([UserList(ids: Set(members.prefix(size / 2))), list], values: values)
        }
    }
}
