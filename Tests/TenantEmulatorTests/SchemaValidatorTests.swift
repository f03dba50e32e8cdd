import Testing

@testable import TenantEmulator

@Suite("Schema tables: validator, patterns, email, form fields")
struct SchemaValidatorTests {
    static let schema = ObjectSchema(
        specName: "Example",
        properties: [
            ("flag", .init([.boolean])),
            ("count", .init([.integer], minimum: 1)),
            ("code", .init([.string, .null], pattern: #"^\+[0-9]{1,3}$"#, minLength: 2, maxLength: 4)),
            ("mail", .init([.string], format: "email")),
            ("kind", .init([.string], allowed: ["a", "b"])),
            (
                "items",
                .init(
                    [.array], maxItems: 2,
                    items: ObjectSchema(specName: "Item", properties: [("name", .init([.string]))], required: ["name"]))
            ),
        ],
        required: ["flag"],
        minProperties: 1
    )

    static func message(_ value: JSONValue, in location: SchemaValidator.Location = .body) -> String? {
        do {
            _ = try SchemaValidator.validate(value, against: schema, in: location)
            return nil
        } catch {
            return error.message
        }
    }

    @Test(
        "z-schema's messages, first violation first",
        arguments: [
            ([1] as JSONValue, "Payload validation error: 'Expected type object but found type array'."),
            ([:] as JSONValue, "Payload validation error: 'Too few properties defined (0), must be at least 1.'."),
            (
                ["flag": true, "zz": 1, "aa": 2] as JSONValue,
                "Payload validation error: 'Additional properties not allowed: aa,zz'."
            ),
            (["count": 2] as JSONValue, "Payload validation error: 'Missing required property: flag'."),
            (
                ["flag": 1] as JSONValue,
                "Payload validation error: 'Expected type boolean but found type integer' on property flag."
            ),
            (
                ["flag": true, "count": .double(1.5)] as JSONValue,
                "Payload validation error: 'Expected type integer but found type number' on property count."
            ),
            (
                ["flag": true, "count": 0] as JSONValue,
                "Payload validation error: 'Value 0 is less than minimum 1' on property count."
            ),
            (
                ["flag": true, "code": 5] as JSONValue,
                "Payload validation error: 'Expected type null,string but found type integer' on property code."
            ),
            (
                ["flag": true, "code": "+"] as JSONValue,
                "Payload validation error: 'String is too short (1 chars), minimum 2' on property code."
            ),
            (
                ["flag": true, "code": "+1234"] as JSONValue,
                "Payload validation error: 'String is too long (5 chars), maximum 4' on property code."
            ),
            (
                ["flag": true, "code": "12"] as JSONValue,
                #"Payload validation error: 'String does not match pattern ^\+[0-9]{1,3}$: 12' on property code."#
            ),
            (
                ["flag": true, "mail": "x"] as JSONValue,
                "Payload validation error: 'Object didn't pass validation for format email: x' on property mail."
            ),
            (
                ["flag": true, "kind": "c"] as JSONValue,
                #"Payload validation error: 'No enum match for: "c"' on property kind."#
            ),
            (
                ["flag": true, "items": [["name": "a"], ["name": "b"], ["name": "c"]]] as JSONValue,
                "Payload validation error: 'Array is too long (3), maximum 2' on property items."
            ),
            (
                ["flag": true, "items": [["name": "a"], [:]]] as JSONValue,
                "Payload validation error: 'Missing required property: name' on property items[1]."
            ),
            (
                ["flag": true, "items": [["name": 1]]] as JSONValue,
                "Payload validation error: 'Expected type string but found type integer' on property items[0].name."
            ),
        ])
    func messages(body: JSONValue, expected: String) {
        #expect(Self.message(body) == expected)
    }

    @Test("Valid values pass: integral doubles are integers, null where allowed, lengths in code points")
    func valid() {
        #expect(
            Self.message([
                "flag": false, "count": .double(3), "code": .null, "mail": "a.b+c@x-y.example.org", "kind": "b",
            ]) == nil)
        #expect(Self.message(["flag": false, "code": "+🙂"]) != nil)
        #expect(Self.message(["flag": false, "items": []]) == nil)
    }

    @Test("A query's errors say so")
    func query() {
        #expect(
            Self.message(["flag": "x"], in: .query)
                == "Query validation error: 'Expected type boolean but found type string' on property flag.")
    }

    @Test("Patterns: ECMA-262 anchors, $ only at the very end, code points")
    func patterns() {
        #expect(SchemaPattern.matches("+15551234", pattern: #"^\+[0-9]{1,15}$"#))
        #expect(!SchemaPattern.matches("+1555\n", pattern: #"^\+[0-9]{1,15}$"#))
        #expect(!SchemaPattern.matches("x+1555", pattern: #"^\+[0-9]{1,15}$"#))
        #expect(SchemaPattern.matches("con_0123456789abcdef", pattern: "^con_[A-Za-z0-9]{16}$"))
        #expect(!SchemaPattern.matches("con_0123456789abcde\u{0301}", pattern: "^con_[A-Za-z0-9]{16}$"))
        #expect(SchemaPattern.matches("abc", pattern: "b"))
    }

    @Test(
        "Email addresses",
        arguments: [
            ("ada@example.com", true), ("a.b+c!#$%&'*/=?^_`{|}~-@x1-y.example.org", true), ("0@a.io", true),
            ("useratexample.com", false), ("a@b", false), ("a@b.c1", false), (".a@b.com", false), ("a..b@b.com", false),
            ("a@-b.com", false), ("a@b-.com", false), ("a@b..com", false), ("\"a b\"@b.com", false),
            ("a@[127.0.0.1]", false),
            ("a@b@c.com", false), ("é@b.com", false), ("", false), ("a @b.com", false),
        ])
    func email(address: String, valid: Bool) {
        #expect(EmailAddress.isValid(address) == valid)
    }

    @Test("Form fields: decoding, repeats, typing by the schema")
    func formFields() throws {
        let fields = try #require(FormFields("flag=TRUE&count=3&code=%2B12&x=1&x=2&mail=a%40b.com&kind=c+d&empty="))
        #expect(fields.values("x") == ["1", "2"])
        #expect(fields.names == ["flag", "count", "code", "x", "mail", "kind", "empty"])
        #expect(
            fields.typed(by: Self.schema) == [
                "flag": true, "count": 3, "code": "+12", "x": ["1", "2"], "mail": "a@b.com", "kind": "c d", "empty": "",
            ])
        #expect(FormFields("a=%zz") == nil)
        #expect(FormFields("")?.pairs.isEmpty == true)
        #expect(FormFields("flag=yes")?.typed(by: Self.schema) == ["flag": "yes"])
    }
}
