import Testing

@testable import MFARollout

@Suite("Policy list files")
struct PolicyListFileTests {
    @Test func classification() {
        #expect(UserListEntry.classify("auth0|123") == .id("auth0|123"))
        #expect(UserListEntry.classify("Jane.Doe@Example.com") == .email("jane.doe@example.com"))
        #expect(UserListEntry.classify("samlp|okta|jane@example.com") == .id("samlp|okta|jane@example.com"))
        #expect(UserListEntry.classify("63d17c4bdf1ce171262c7e93") == .id("63d17c4bdf1ce171262c7e93"))
    }

    @Test func parsing() throws {
        let text = "\u{FEFF}# comment\n\n  auth0|1  \r\nA@B.com\n\t# indented comment\nwaad|x/y\n"
        let list = try UserListFile.parse(text, file: "l.txt", keyPath: "allow.files[0]")
        #expect(list.ids == ["auth0|1", "waad|x/y"])
        #expect(list.emails == ["a@b.com"])
    }

    @Test func matching() {
        var list = UserList()
        list.add("auth0|Abc")
        list.add("Boss@Corp.com")
        #expect(list.contains(userID: "auth0|Abc", email: nil))
        #expect(!list.contains(userID: "auth0|abc", email: nil))
        #expect(list.contains(userID: "x", email: "BOSS@corp.COM"))
        #expect(list.contains(userID: nil, email: "boss@corp.com"))
        #expect(!list.contains(userID: nil, email: "boss@corp.co"))
        #expect(!list.contains(userID: nil, email: ""))
    }

    @Test func trailingCommentIsAnErrorWithItsLine() {
        let e = #expect(throws: PolicyError.self) {
            try UserListFile.parse("auth0|ok\n  auth0|bad # ceo\n", file: "l.txt", keyPath: "deny.files[0]")
        }
        #expect(e?.file == "l.txt")
        #expect(e?.keyPath == "deny.files[0]")
        #expect(e?.line == 2)
        #expect(e?.column == 12)
    }

    @Test func listFileErrorsThroughThePolicyNameTheListFile() {
        let e = Fixture.error(
            """
            version: 1
            allow: {files: [lists/bad-comment.txt]}
            """)
        #expect(e?.file.hasSuffix("lists/bad-comment.txt") == true)
        #expect(e?.keyPath == "allow.files[0]")
        #expect(e?.line == 2)
    }
}
