import Foundation
import Testing

@testable import MFARollout

@Suite("policy: YAML aliases are bounded")
struct YAMLAliasBoundTests {
    static func hostile(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("hostile").appendingPathComponent(name).path
    }

    /// Six levels of ten aliases stand for 111,111 nodes: past the bound, refused at the alias
    /// that crosses it, before anything is composed (a few more levels would be a billion).
    @Test("a billion-laughs policy is refused at the alias that crosses the bound")
    func billionLaughs() {
        let path = Self.hostile("billion-laughs.yaml")
        #expect(throws: PolicyError.self) { try Policy.load(path: path) }
        do {
            _ = try Policy.load(path: path)
        } catch {
            #expect(error.file == path)
            #expect(error.line == 15)
            #expect(error.message.contains("more than 100000 YAML nodes once its aliases are expanded"))
        }
    }

    /// Composing hashes mapping keys; an alias as a key would be walked whole, however large.
    @Test("aliases as mapping keys are bounded before they are composed")
    func aliasKeys() {
        do {
            _ = try Policy.load(path: Self.hostile("alias-keys.yaml"))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("once its aliases are expanded"))
        }
    }

    @Test("a policy that reuses a condition through an alias is read")
    func reasonableAliases() throws {
        let policy = try Fixture.parse(
            """
            version: 1
            rules:
              - name: staff
                when: &staff {column: email, domain: corp.com}
              - name: staff-again
                when: {all: [*staff, *staff, {column: logins_count, gt: 1}]}
            """)
        #expect(policy.rules.count == 2)
    }
}
