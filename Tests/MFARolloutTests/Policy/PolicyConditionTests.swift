import Foundation
import Testing

@testable import MFARollout

@Suite("Policy conditions")
struct PolicyConditionTests {
    typealias F = Fixture

    @Test func equalsComparesText() throws {
        let p = try F.policy(when: "{column: plan, equals: gold}")
        #expect(p.matches(["plan": "gold"]))
        #expect(!p.matches(["plan": "Gold"]))
        #expect(!p.matches(["plan": ""]))
        #expect(!p.matches([:]))
    }

    @Test func equalsUsesTheScalarTextOfNumbersAndBooleans() throws {
        let n = try F.policy(when: "{column: n, equals: 1.0}")
        #expect(n.matches(["n": "1.0"]))
        #expect(!n.matches(["n": "1"]))
        let b = try F.policy(when: "{column: b, equals: true}")
        #expect(b.matches(["b": "true"]))
        #expect(!b.matches(["b": "TRUE"]))
    }

    @Test func oneOf() throws {
        let p = try F.policy(when: "{column: plan, one_of: [gold, silver, 3]}")
        #expect(p.matches(["plan": "silver"]))
        #expect(p.matches(["plan": "3"]))
        #expect(!p.matches(["plan": "bronze"]))
    }

    @Test func matchesSearchesAnywhere() throws {
        let p = try F.policy(when: #"{column: user_id, matches: "^(auth0|samlp)\\|"}"#)
        #expect(p.matches(["user_id": "auth0|123"]))
        #expect(p.matches(["user_id": "samlp|okta|x"]))
        #expect(!p.matches(["user_id": "google-oauth2|1"]))
        let anywhere = try F.policy(when: "{column: email, matches: 'admin'}")
        #expect(anywhere.matches(["email": "it-admin@corp.com"]))
        #expect(!anywhere.matches(["email": "it-ADMIN@corp.com"]))
        let insensitive = try F.policy(when: "{column: email, matches: '(?i)admin'}")
        #expect(insensitive.matches(["email": "it-ADMIN@corp.com"]))
    }

    @Test func globMatchesTheWholeValue() throws {
        let p = try F.policy(when: "{column: user_id, glob: 'auth0|*'}")
        #expect(p.matches(["user_id": "auth0|abc"]))
        #expect(!p.matches(["user_id": "xauth0|abc"]))
        let slash = try F.policy(when: "{column: user_id, glob: 'samlp|*/[0-9]?'}")
        #expect(slash.matches(["user_id": "samlp|conn/a/7x"]))
        #expect(!slash.matches(["user_id": "samlp|conn/a/xx"]))
        let negated = try F.policy(when: "{column: c, glob: '[!a]*'}")
        #expect(negated.matches(["c": "b"]))
        #expect(!negated.matches(["c": "a"]))
    }

    @Test func domainExactAndSubdomains() throws {
        let p = try F.policy(when: "{column: email, domain: [Corp.com, '*.corp.com']}")
        #expect(p.matches(["email": "a@corp.com"]))
        #expect(p.matches(["email": "A@CORP.COM"]))
        #expect(p.matches(["email": "a@eu.corp.com"]))
        #expect(p.matches(["email": "a@x.eu.Corp.com"]))
        #expect(!p.matches(["email": "a@notcorp.com"]))
        #expect(!p.matches(["email": "a@corp.com.evil.io"]))
        #expect(!p.matches(["email": "corp.com"]))
        #expect(!p.matches(["email": ""]))
        let single = try F.policy(when: "{column: email, domain: corp.com}")
        #expect(single.matches(["email": "x@corp.com"]))
        #expect(!single.matches(["email": "x@eu.corp.com"]))
        let wildOnly = try F.policy(when: "{column: email, domain: '*.corp.com'}")
        #expect(!wildOnly.matches(["email": "x@corp.com"]))
        #expect(p.matches(["email": "we\"ird@x@corp.com"]))
    }

    @Test func existsNeedsTheColumnAndANonEmptyValue() throws {
        let yes = try F.policy(when: "{column: phone, exists: true}")
        #expect(yes.matches(["phone": "+1"]))
        #expect(!yes.matches(["phone": ""]))
        #expect(!yes.matches([:]))
        let no = try F.policy(when: "{column: phone, exists: false}")
        #expect(no.matches(["phone": ""]))
        #expect(no.matches([:]))
        #expect(!no.matches(["phone": "+1"]))
    }

    @Test func emptyNeedsTheColumnInTheFile() throws {
        let yes = try F.policy(when: "{column: phone, empty: true}")
        #expect(yes.matches(["phone": ""]))
        #expect(!yes.matches(["phone": "+1"]))
        #expect(!yes.matches([:]))
        let no = try F.policy(when: "{column: phone, empty: false}")
        #expect(no.matches(["phone": "+1"]))
        #expect(!no.matches(["phone": ""]))
        #expect(!no.matches([:]))
    }

    @Test(arguments: [
        ("gt", "5", ["6": true, "5": false, "4.5": false]),
        ("gte", "5", ["5": true, "5.0": true, "4.99": false]),
        ("lt", "5", ["4": true, "-1e3": true, "5": false]),
        ("lte", "5.5", ["5.5": true, "6": false]),
        ("eq", "10", ["10": true, "1e1": true, "10.0": true, "11": false]),
    ])
    func numbers(op: String, operand: String, cases: [String: Bool]) throws {
        let p = try F.policy(when: "{column: logins_count, \(op): \(operand)}")
        for (value, expected) in cases {
            #expect(p.matches(["logins_count": value]) == expected, "\(value) \(op) \(operand)")
        }
        // Unparsable, empty and absent values are false, never an error.
        #expect(!p.matches(["logins_count": "many"]))
        #expect(!p.matches(["logins_count": ""]))
        #expect(!p.matches(["logins_count": " 6"]))
        #expect(!p.matches([:]))
    }

    @Test func withinDays() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z"))
        let p = try F.policy(when: "{column: last_login, within_days: 30}")
        #expect(p.matches(["last_login": "2026-11-20T08:15:30.123Z"], now: now))
        #expect(p.matches(["last_login": "2026-10-24T12:00:00Z"], now: now))
        #expect(p.matches(["last_login": "2026-11-01"], now: now))
        #expect(!p.matches(["last_login": "2026-10-24T11:59:59Z"], now: now))
        #expect(
            !p.matches(["last_login": "2026-11-24T00:00:00Z"], now: now), "the future is not within the last N days")
        #expect(!p.matches(["last_login": "yesterday"], now: now))
        #expect(!p.matches(["last_login": ""], now: now))
    }

    @Test func beforeAndAfter() throws {
        let before = try F.policy(when: "{column: created_at, before: 2024-01-01}")
        #expect(before.matches(["created_at": "2023-12-31T23:59:59.999Z"]))
        #expect(!before.matches(["created_at": "2024-01-01T00:00:00.000Z"]))
        #expect(before.matches(["created_at": "2024-01-01T00:30:00+01:00"]), "23:30 UTC on Dec 31")
        #expect(!before.matches(["created_at": "not a date"]))
        let after = try F.policy(when: "{column: created_at, after: '2024-06-01T12:00:00.5Z'}")
        #expect(after.matches(["created_at": "2024-06-01T12:00:00.501Z"]))
        #expect(!after.matches(["created_at": "2024-06-01T12:00:00.500Z"]))
        #expect(!after.matches(["created_at": "2024-13-01"]))
    }

    @Test func isBoolean() throws {
        let yes = try F.policy(when: "{column: email_verified, is: true}")
        for v in ["true", "TRUE", "True", "1"] { #expect(yes.matches(["email_verified": v]), "\(v)") }
        for v in ["false", "0", "", "yes", "truex", "2"] { #expect(!yes.matches(["email_verified": v]), "\(v)") }
        let no = try F.policy(when: "{column: email_verified, is: false}")
        for v in ["false", "False", "0"] { #expect(no.matches(["email_verified": v]), "\(v)") }
        for v in ["true", "", "no", "1"] { #expect(!no.matches(["email_verified": v]), "\(v)") }
    }

    @Test func combinators() throws {
        let p = try F.policy(
            when: """

                      all:
                        - {column: a, equals: "1"}
                        - any:
                            - {column: b, equals: "x"}
                            - {column: c, equals: "y"}
                        - not: {column: d, equals: "no"}
                """)
        #expect(p.matches(["a": "1", "b": "x", "d": "yes"]))
        #expect(p.matches(["a": "1", "c": "y"]))
        #expect(!p.matches(["a": "2", "b": "x"]))
        #expect(!p.matches(["a": "1", "b": "z", "c": "z"]))
        #expect(!p.matches(["a": "1", "b": "x", "d": "no"]))
        #expect(
            p.rules[0].condition.description
                == #"all(a equals "1", any(b equals "x", c equals "y"), not(d equals "no"))"#)
    }

    @Test func columnNamesMayContainDotsAndBrackets() throws {
        let p = try F.policy(when: "{column: 'identities[0].connection', equals: google-oauth2}")
        #expect(p.columnsNeeded.contains("identities[0].connection"))
        #expect(p.matches(["identities[0].connection": "google-oauth2"]))
    }
}
