import Testing

@testable import TenantEmulator

@Suite("PATCH merge rules")
struct UserPatchTests {
    let user = User(fields: [
        "user_id": "auth0|1",
        "email": "a@example.com",
        "name": "A",
        "app_metadata": ["use_mfa": false, "roles": ["admin"], "prefs": ["a": 1, "b": 2]],
        "user_metadata": ["lang": "en"],
    ])

    func patched(_ body: JSONValue) throws -> User {
        try UserPatch(body: body).applied(to: user)
    }

    @Test("Metadata merges at the first level; other keys survive")
    func mergeFirstLevel() throws {
        let after = try patched(["app_metadata": ["use_mfa": true]])
        #expect(after.appMetadata == ["use_mfa": true, "roles": ["admin"], "prefs": ["a": 1, "b": 2]])
        #expect(after.userMetadata == ["lang": "en"])
    }

    @Test("Nested objects are replaced whole, not merged")
    func nestedReplaced() throws {
        let after = try patched(["app_metadata": ["prefs": ["a": 9]]])
        #expect(after.appMetadata["prefs"] == ["a": 9])
    }

    @Test("A null member deletes that key")
    func nullDeletes() throws {
        let after = try patched(["app_metadata": ["roles": .null]])
        #expect(after.appMetadata["roles"] == nil)
        #expect(after.appMetadata["use_mfa"] == false)
    }

    @Test("An empty object wipes the metadata")
    func emptyWipes() throws {
        let after = try patched(["app_metadata": [:]])
        #expect(after.fields["app_metadata"] == .object([:]))
        #expect(after.userMetadata == ["lang": "en"])
    }

    @Test("Top-level fields replace; null removes")
    func topLevel() throws {
        let after = try patched(["name": "B", "email": .null, "blocked": true])
        #expect(after.fields["name"] == "B")
        #expect(after.fields["email"] == nil)
        #expect(after.fields["blocked"] == true)
    }

    @Test("Metadata merge into a user without metadata creates it")
    func createsMetadata() throws {
        let bare = User(fields: ["user_id": "x"])
        let after = try UserPatch(body: ["user_metadata": ["a": 1]]).applied(to: bare)
        #expect(after.userMetadata == ["a": 1])
    }

    @Test(
        "Metadata key names with . or $ are refused, at any depth",
        arguments: [
            ["app_metadata": ["use.mfa": true]] as JSONValue,
            ["app_metadata": ["$set": true]] as JSONValue,
            ["user_metadata": ["a": ["b.c": 1]]] as JSONValue,
            ["user_metadata": ["a": [["$x": 1]]]] as JSONValue,
        ])
    func badKeys(body: JSONValue) {
        #expect(throws: UserPatch.Invalid.self) { try UserPatch(body: body) }
    }

    @Test(
        "Bodies that are not one non-empty object, or touch user_id, are refused",
        arguments: [
            [:] as JSONValue,
            [1] as JSONValue,
            JSONValue.string("x"),
            ["user_id": "other"] as JSONValue,
            ["app_metadata": "yes"] as JSONValue,
        ])
    func badBodies(body: JSONValue) {
        #expect(throws: UserPatch.Invalid.self) { try UserPatch(body: body) }
    }

    @Test("Field paths: keys, indices, nested keys")
    func fieldPaths() {
        #expect(FieldPath.steps("identities[0].connection") == [.key("identities"), .index(0), .key("connection")])
        #expect(
            FieldPath.steps("user_metadata.consent.given") == [.key("user_metadata"), .key("consent"), .key("given")])
        #expect(user.value(atPath: "app_metadata.prefs.b") == 2)
        #expect(user.value(atPath: "app_metadata.roles[0]") == "admin")
        #expect(user.value(atPath: "app_metadata.roles[1]") == nil)
        #expect(user.value(atPath: "nope.deeper") == nil)
    }

    @Test("JSON values round-trip, integers staying integers")
    func jsonRoundTrip() throws {
        let value: JSONValue = ["n": 5, "d": .double(1.5), "b": true, "s": "x/y", "a": [.null, false], "o": [:]]
        let text = String(decoding: value.encoded(), as: UTF8.self)
        #expect(text == #"{"a":[null,false],"b":true,"d":1.5,"n":5,"o":{},"s":"x/y"}"#)
        #expect(try JSONValue.decode(Array(text.utf8)) == value)
    }
}
