import Foundation
import Testing

@testable import MFARollout

/// Every mistake names the key path, line and column; a typo never silently selects nobody or everybody.
@Suite("Policy validation")
struct PolicyValidationTests {
    typealias F = Fixture

    func expectError(
        _ yaml: String, keyPath: String, line: Int, column: Int, containing text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let e = F.error(yaml) else {
            Issue.record("expected an error at \(keyPath)", sourceLocation: sourceLocation)
            return
        }
        #expect(e.file == "policy.yaml", sourceLocation: sourceLocation)
        #expect(e.keyPath == keyPath, sourceLocation: sourceLocation)
        #expect(e.line == line, "line", sourceLocation: sourceLocation)
        #expect(e.column == column, "column", sourceLocation: sourceLocation)
        #expect(e.message.contains(text), "\(e.message)", sourceLocation: sourceLocation)
        #expect(e.description.hasPrefix("policy.yaml:\(line):\(column): "), sourceLocation: sourceLocation)
    }

    @Test func descriptionFormat() {
        let e = PolicyError(
            file: "policy.yaml", keyPath: "rules[2].when", line: 12, column: 5, message: "unknown key 'domian'")
        #expect(e.description == "policy.yaml:12:5: rules[2].when: unknown key 'domian'")
        let top = PolicyError(file: "p.yaml", keyPath: "", line: nil, column: nil, message: "policy file not found")
        #expect(top.description == "p.yaml: policy file not found")
    }

    @Test func unknownKeyInACondition() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when:
                  all:
                    - column: email
                      domian: corp.com
            """, keyPath: "rules[0].when.all[0]", line: 7, column: 11,
            containing: "unknown key 'domian' (expected one of: all, any, not, column, equals")
        #expect(
            F.error(
                """
                version: 1
                rules:
                  - name: a
                    when: {column: email, domian: corp.com}
                """)?.message.contains("did you mean 'domain'?") == true)
    }

    @Test func unknownTopLevelKey() {
        expectError("version: 1\nrule: []\n", keyPath: "", line: 2, column: 1, containing: "unknown key 'rule'")
    }

    @Test func wrongTypes() {
        expectError(
            "version: 1\nrules: {name: a}\n", keyPath: "rules", line: 2, column: 8,
            containing: "expected a list, found a mapping")
        expectError("version: '1'\n", keyPath: "version", line: 1, column: 10, containing: "expected a whole number")
        expectError("version: 2\n", keyPath: "version", line: 1, column: 10, containing: "unsupported version 2")
        expectError("rules: []\n", keyPath: "", line: 1, column: 1, containing: "missing required key 'version'")
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {column: n, gt: "5"}
            """, keyPath: "rules[0].when.gt", line: 4, column: 27, containing: "expected a number, found the text '5'")
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {column: n, exists: yes}
            """, keyPath: "rules[0].when.exists", line: 4, column: 31, containing: "true or false")
        expectError(
            """
            version: 1
            guards: {max_changes: -1}
            rules: [{name: a, when: {column: x, exists: true}}]
            """, keyPath: "guards.max_changes", line: 2, column: 23, containing: "at least 0")
    }

    @Test func badRegex() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when:
                  column: email
                  matches: "(unclosed"
            """, keyPath: "rules[0].when.matches", line: 6, column: 16, containing: "invalid regular expression")
    }

    @Test func badGlob() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {column: user_id, glob: "auth0|[abc"}
            """, keyPath: "rules[0].when.glob", line: 4, column: 35, containing: "no closing ']'")
    }

    @Test func badDomain() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {column: email, domain: ["@corp.com"]}
            """, keyPath: "rules[0].when.domain", line: 4, column: 35, containing: "without '@'")
    }

    @Test func badDate() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when:
                  column: created_at
                  before: 2024-02-30
            """, keyPath: "rules[0].when.before", line: 6, column: 15, containing: "not an ISO-8601 date")
    }

    @Test func noOperator() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when:
                  column: email
            """, keyPath: "rules[0].when", line: 5, column: 7, containing: "has no operator")
    }

    @Test func twoOperators() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when:
                  column: logins_count
                  gt: 1
                  lt: 10
            """, keyPath: "rules[0].when", line: 7, column: 7, containing: "two operators, 'gt' and 'lt'")
    }

    @Test func operatorWithoutColumn() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {equals: x}
            """, keyPath: "rules[0].when", line: 4, column: 11, containing: "add column: NAME")
    }

    @Test func combinatorMixedWithATest() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when:
                  any: [{column: a, exists: true}]
                  column: b
            """, keyPath: "rules[0].when", line: 6, column: 7,
            containing: "'any' cannot share a condition with 'column'")
    }

    @Test func emptyCombinatorsAndConditions() {
        expectError(
            """
            version: 1
            rules:
              - name: a
                when:
                  any: []
            """, keyPath: "rules[0].when.any", line: 5, column: 12, containing: "'any: []' is empty")
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {not: {all: []}}
            """, keyPath: "rules[0].when.not.all", line: 4, column: 23, containing: "'all: []' is empty")
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {}
            """, keyPath: "rules[0].when", line: 4, column: 11, containing: "empty condition")
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {column: a, one_of: []}
            """, keyPath: "rules[0].when.one_of", line: 4, column: 31, containing: "the list is empty")
        expectError(
            """
            version: 1
            rules:
              - name: a
                when: {column: a, equals: }
            """, keyPath: "rules[0].when.equals", line: 4, column: 31, containing: "empty: true")
    }

    @Test func badPercentages() {
        expectError(
            """
            version: 1
            rollout: {percentage: 101, salt: s}
            rules: [{name: a, when: {column: x, exists: true}}]
            """, keyPath: "rollout.percentage", line: 2, column: 23, containing: "between 0 and 100")
        expectError(
            """
            version: 1
            rollout: {salt: s}
            rules:
              - name: a
                rollout: -5
                when: {column: x, exists: true}
            """, keyPath: "rules[0].rollout", line: 5, column: 14, containing: "between 0 and 100")
        expectError(
            """
            version: 1
            guards: {max_change_percent: 100.5}
            rules: [{name: a, when: {column: x, exists: true}}]
            """, keyPath: "guards.max_change_percent", line: 2, column: 30, containing: "between 0 and 100")
    }

    @Test func rolloutNeedsASalt() {
        expectError(
            """
            version: 1
            rollout: {percentage: 10}
            rules: [{name: a, when: {column: x, exists: true}}]
            """, keyPath: "rollout", line: 2, column: 10, containing: "missing required key 'salt'")
        expectError(
            """
            version: 1
            rules:
              - name: a
                rollout: 10
                when: {column: x, exists: true}
            """, keyPath: "rules[0].rollout", line: 4, column: 14, containing: "needs the top-level salt")
    }

    @Test func missingListFile() {
        expectError(
            """
            version: 1
            allow:
              files:
                - lists/allow.txt
                - lists/missing.txt
            """, keyPath: "allow.files[1]", line: 5, column: 7, containing: "list file 'lists/missing.txt' not found")
    }

    @Test func listEntriesInTheWrongPlace() {
        expectError(
            """
            version: 1
            deny: {ids: [someone@corp.com]}
            allow: {ids: ["auth0|1"]}
            """, keyPath: "deny.ids[0]", line: 2, column: 14, containing: "looks like an email")
        expectError(
            """
            version: 1
            allow: {emails: ["auth0|1"]}
            """, keyPath: "allow.emails[0]", line: 2, column: 18, containing: "is not an email")
    }

    @Test func duplicateRuleNames() {
        expectError(
            """
            version: 1
            rules:
              - name: staff
                when: {column: a, exists: true}
              - name: staff
                when: {column: b, exists: true}
            """, keyPath: "rules[1].name", line: 5, column: 11,
            containing: "duplicate rule name 'staff': already used by an earlier rule (line 3)")
    }

    @Test func badRuleNames() {
        expectError(
            """
            version: 1
            rules:
              - name: "my rule"
                when: {column: a, exists: true}
            """, keyPath: "rules[0].name", line: 3, column: 11, containing: "may contain only")
        expectError(
            """
            version: 1
            rules:
              - when: {column: a, exists: true}
            """, keyPath: "rules[0]", line: 3, column: 5, containing: "missing required key 'name'")
        expectError(
            """
            version: 1
            rules:
              - name: a
            """, keyPath: "rules[0]", line: 3, column: 5, containing: "missing required key 'when'")
    }

    @Test(arguments: [
        "use_mfa", "app_metadata.", "app_metadata.a.b", "app_metadata.$x", "metadata.use_mfa", "user_metadata",
    ])
    func badFlagLocation(location: String) {
        expectError(
            """
            version: 1
            flag: {location: "\(location)"}
            allow: {ids: ["auth0|1"]}
            """, keyPath: "flag.location", line: 2, column: 18, containing: "is not a flag location")
    }

    @Test func unknownMode() {
        expectError(
            """
            version: 1
            mode: enforced
            allow: {ids: ["auth0|1"]}
            """, keyPath: "mode", line: 2, column: 7,
            containing: "unknown mode 'enforced' (expected one of: enable-only, enforce)")
    }

    @Test func csvSettings() throws {
        expectError(
            """
            version: 1
            csv: {delimiter: ";;"}
            allow: {ids: ["auth0|1"]}
            """, keyPath: "csv.delimiter", line: 2, column: 18, containing: "exactly one ASCII character")
        expectError(
            """
            version: 1
            csv: {auth0_escaping: maybe}
            allow: {ids: ["auth0|1"]}
            """, keyPath: "csv.auth0_escaping", line: 2, column: 23, containing: "unknown auth0_escaping")
        // Unquoted on/off are YAML 1.1 booleans; they still mean the words.
        let p = try F.parse("version: 1\ncsv: {auth0_escaping: off, delimiter: \"\\t\"}\nallow: {ids: [\"auth0|1\"]}\n")
        #expect(p.dialect == CSVDialect(delimiter: 9, auth0Escaping: .off))
    }

    @Test func aPolicyThatSelectsNobodyIsAnError() {
        expectError("version: 1\n", keyPath: "", line: 1, column: 1, containing: "selects nobody")
    }

    @Test func yamlSyntaxAndDuplicateKeys() {
        let syntax = F.error("version: 1\nrules: [\n")
        #expect(syntax?.line != nil)
        #expect(syntax?.message.hasPrefix("invalid YAML") == true)
        let duplicate = F.error("version: 1\nmode: enforce\nmode: enable-only\n")
        #expect(duplicate?.message.contains("duplicate key 'mode'") == true)
        #expect(duplicate?.line == 2)
        #expect(F.error("")?.message == "the policy file is empty")
    }

    @Test func missingPolicyFile() {
        #expect(
            throws: PolicyError(
                file: "/nonexistent/p.yaml", keyPath: "", line: nil, column: nil, message: "policy file not found")
        ) {
            try Policy.load(path: "/nonexistent/p.yaml")
        }
    }
}
