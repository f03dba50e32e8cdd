import Foundation
import Testing

@testable import MFARollout

/// `columns.enrolled`: of the users whose flag is or will be on, how many have enrolled.
@Suite("enrollment progress in the plan summary")
struct EnrollmentProgressTests {
    static func plan(_ csv: String, mode: String = "enable-only", enrolled: Bool = true) throws -> Plan {
        try Fixture.plan(
            csv: csv,
            policy: """
                version: 1
                mode: \(mode)
                \(enrolled ? "columns: {enrolled: \"multifactor[0]\"}" : "")
                rules:
                  - name: staff
                    when: {column: email, domain: corp.com}
                  - name: customers
                    rollout: 50
                    when: {column: email, domain: shop.com}
                rollout: {salt: s1}
                """,
            directoryPrefix: "enrolled")
    }

    static let header = "user_id,email,identities[0].connection,app_metadata.use_mfa,multifactor[0]\n"

    @Test("Flagged users (selected, or kept on by enable-only) are counted, enrolled when multifactor[0] is non-empty")
    func counts() throws {
        var csv = Self.header
        csv += "'auth0|s1,'a@corp.com,'db,true,'guardian\n"  // staff, on, enrolled
        csv += "'auth0|s2,'b@corp.com,'db,,\n"  // staff, will be on, not enrolled
        csv += "'auth0|s3,'c@corp.com,'db,false,'guardian\n"  // staff, will be on, enrolled
        csv += "'auth0|k1,'k@other.com,'db,true,'guardian\n"  // not selected, kept on by enable-only
        csv += "'auth0|n1,'n@other.com,'db,,'guardian\n"  // not selected, off: not counted
        var expectedWave: [String: PlanSummary.EnrollmentCounts] = [:]
        var customersFlagged = 0
        var customersEnrolled = 0
        for i in 0..<40 {
            let id = "auth0|c\(i)"
            let enrolled = i % 3 == 0
            csv += "'\(id),'c\(i)@shop.com,'db,,\(enrolled ? "'guardian" : "")\n"
            let bucket = RolloutBucket.value(userID: id, salt: "s1")
            guard bucket < 50 else { continue }
            customersFlagged += 1
            customersEnrolled += enrolled ? 1 : 0
            let tenth = Int(bucket / 10) * 10
            expectedWave["\(tenth)-\(tenth + 10)%", default: .init()].flagged += 1
            expectedWave["\(tenth)-\(tenth + 10)%", default: .init()].enrolled += enrolled ? 1 : 0
        }
        let plan = try Self.plan(csv)
        let enrollment = try #require(plan.summary.enrollment)
        #expect(enrollment.column == "multifactor[0]")
        #expect(enrollment.byReason["rule staff"] == .init(flagged: 3, enrolled: 2))
        #expect(enrollment.byReason["no rule matched"] == .init(flagged: 1, enrolled: 1))
        #expect(enrollment.byReason["rule customers"] == .init(flagged: customersFlagged, enrolled: customersEnrolled))
        #expect(enrollment.total == .init(flagged: 4 + customersFlagged, enrolled: 3 + customersEnrolled))
        #expect(enrollment.byWave == expectedWave)
        #expect(customersFlagged > 0 && customersFlagged < 40, "the rollout splits the customers")
        #expect(
            enrollment.waves.map(\.wave)
                == enrollment.byWave.keys.sorted { Int($0.prefix { $0.isNumber })! < Int($1.prefix { $0.isNumber })! })
        let report = MarkdownReport.render(ReportModel(plan: plan))
        #expect(report.contains("## Enrollment progress"))
        #expect(report.contains("| **total** | \(4 + customersFlagged) | \(3 + customersEnrolled) |"))
        let html = HTMLReport.render(ReportModel(plan: plan))
        #expect(html.contains("<h2>Enrollment progress</h2>"))
        #expect(
            html.contains(
                "<td class=\"n\">\(4 + customersFlagged)</td><td class=\"n\">\(3 + customersEnrolled)</td>"))
    }

    @Test(
        "enforce: a user turned off is not counted, a hand-set flag that is kept is; without columns.enrolled there is no enrollment summary"
    )
    func enforceAndAbsent() throws {
        let csv = Self.header + "'auth0|k1,'k@other.com,'db,true,'guardian\n'auth0|s1,'a@corp.com,'db,,\n"
        let enforced = try Self.plan(csv, mode: "enforce\ndisable: all")
        #expect(enforced.summary.enrollment?.total == .init(flagged: 1, enrolled: 0))
        // owned-only: k1's flag carries no source mark, so it stays on and stays counted.
        let kept = try Self.plan(csv, mode: "enforce\ndisable: owned-only")
        #expect(kept.summary.enrollment?.total == .init(flagged: 2, enrolled: 1))
        let without = try Self.plan(csv, enrolled: false)
        #expect(without.summary.enrollment == nil)
        let encoded = String(decoding: try JSONEncoder().encode(without.summary), as: UTF8.self)
        #expect(!encoded.contains("enrollment"), "plans without the column are written as before")
    }

    @Test("A policy naming columns.enrolled needs the column in the export")
    func missingColumn() throws {
        let csv = "user_id,email,identities[0].connection,app_metadata.use_mfa\n'auth0|s1,'a@corp.com,'db,\n"
        #expect(throws: PlanningError.self) { try Self.plan(csv) }
    }

    @Test("requestingEnrollment adds multifactor[0] last, and leaves a policy that names its own column alone")
    func requesting() throws {
        let policy = try Policy.parse(
            yaml: "version: 1\nrules:\n  - name: a\n    when: {column: logins_count, gte: 1}\n", file: "p.yaml",
            baseDirectory: "/tmp")
        let requested = policy.requestingEnrollment()
        #expect(requested.columnsNeeded == policy.columnsNeeded + ["multifactor[0]"])
        #expect(requested.columns.enrolled == "multifactor[0]")
        let own = try Policy.parse(
            yaml:
                "version: 1\ncolumns: {enrolled: mfa}\nrules:\n  - name: a\n    when: {column: logins_count, gte: 1}\n",
            file: "p.yaml", baseDirectory: "/tmp")
        #expect(own.requestingEnrollment().columnsNeeded == own.columnsNeeded)
        #expect(own.columnsNeeded.last == "mfa")
    }
}
