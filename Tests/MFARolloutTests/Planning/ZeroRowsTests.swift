import Foundation
import Testing

@testable import MFARollout

@Suite("zero users read: the default min_rows guard")
struct ZeroRowsTests {
    static func hostile(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("hostile").appendingPathComponent(name).path
    }

    @Test("without guards the policy still refuses an export of zero users: min_rows defaults to 1")
    func defaultMinRows() throws {
        let policy = try Fixture.parse("version: 1\nrules: [{name: r, when: {column: email, exists: true}}]\n")
        #expect(policy.guards.minRows == 1)
        let other = try Fixture.parse(
            "version: 1\nguards: {max_changes: 5}\nrules: [{name: r, when: {column: email, exists: true}}]\n")
        #expect(other.guards.minRows == 1 && other.guards.maxChanges == 5)
        let off = try Fixture.parse(
            "version: 1\nguards: {min_rows: 0}\nrules: [{name: r, when: {column: email, exists: true}}]\n")
        #expect(off.guards.minRows == 0)
    }

    @Test("a header-only export is planned as 0 users read and trips the default guard")
    func zeroRowsTripTheGuard() throws {
        let policy = try Policy.load(path: Self.hostile("policy.yaml"))
        let plan = try PlanPipeline(
            PlanRequest(sources: [.file(Self.hostile("header-only.csv"))], policy: policy)
        ).makePlan()
        #expect(plan.summary.rows == 0)
        #expect(plan.outcome == .guardTripped && !plan.applicable)
        #expect(plan.guards == [GuardCheck(kind: .minRows, limit: 1, actual: 0)])
        #expect(plan.guards[0].explanation == "0 rows read, at least 1 required (min_rows): TRIPPED")
    }
}
