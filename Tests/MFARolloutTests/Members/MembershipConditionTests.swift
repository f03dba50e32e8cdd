import Foundation
import Testing

@testable import MFARollout

/// `role:` and `organization:` conditions, resolved through `plan --members`' file.
@Suite("role and organization conditions")
struct MembershipConditionTests {
    static let members = """
        user_id,kind,name
        auth0|1,role,admin
        auth0|2,role,admin
        auth0|2,organization,acme
        auth0|3,organization,acme
        "auth0|4,x",organization,"Globex, Inc."

        """

    static func file() throws -> MembershipFile {
        try MembershipFile.parse(Array(members.utf8), path: "members.csv")
    }

    static func policy(_ rules: String, membership: PolicyMembership? = nil) throws(PolicyError) -> Policy {
        let membership = membership ?? .file(try! file())
        return try Policy.parse(
            yaml: "version: 1\nrules:\n" + rules, file: "policy.yaml", baseDirectory: ".", membership: membership)
    }

    @Test("the membership file: groups in order, users per group, quoted fields")
    func parse() throws {
        let file = try Self.file()
        #expect(file.groups.map(\.description) == ["role admin", "organization acme", "organization Globex, Inc."])
        #expect(file.users(of: .init(kind: .role, name: "admin")) == ["auth0|1", "auth0|2"])
        #expect(file.users(of: .init(kind: .organization, name: "Globex, Inc.")) == ["auth0|4,x"])
        #expect(file.groups(of: "auth0|2").count == 2)
        #expect(file.sha256.count == 64)
    }

    @Test("membership file errors name the file and line")
    func fileErrors() {
        #expect(
            throws: MembershipFileError(
                file: "m.csv", line: 1,
                message: "the header must be user_id,kind,name (as mfa-rollout members writes it), found id,kind,name")
        ) {
            try MembershipFile.parse(Array("id,kind,name\n".utf8), path: "m.csv")
        }
        #expect(
            throws: MembershipFileError(
                file: "m.csv", line: 3, message: "unknown kind 'group' (expected role or organization)")
        ) {
            try MembershipFile.parse(Array("user_id,kind,name\na,role,x\nb,group,y\n".utf8), path: "m.csv")
        }
        #expect(throws: MembershipFileError.self) { try MembershipFile.parse([], path: "m.csv") }
    }

    @Test("role: and organization: select members, alone or inside all/any/not")
    func decide() throws {
        let p = try Self.policy(
            """
              - name: admins
                when: {role: admin}
              - name: acme-staff
                when:
                  all:
                    - organization: [acme, "Globex, Inc."]
                    - not: {column: email, domain: contractor.com}
            """)
        func reason(_ id: String, _ email: String = "x@acme.com") -> SelectionReason {
            p.decide(values: p.row(["user_id": id, "email": email]), now: Date()).reason
        }
        #expect(reason("auth0|1") == .rule("admins"))
        #expect(reason("auth0|2") == .rule("admins"))
        #expect(reason("auth0|3") == .rule("acme-staff"))
        #expect(reason("auth0|3", "a@contractor.com") == .noRuleMatched)
        #expect(reason("auth0|4,x") == .rule("acme-staff"))
        #expect(reason("auth0|9") == .noRuleMatched)
        #expect(p.membershipNames == [.role: ["admin"], .organization: ["acme", "Globex, Inc."]])
        #expect(p.inputFiles.map(\.kind) == [.policy, .members])
        #expect(p.rules[0].condition.description == "role in [admin]")
    }

    @Test("an unknown role is an error at its line and column, listing the known ones, with did you mean")
    func unknownRole() {
        let error = #expect(throws: PolicyError.self) {
            try Self.policy("  - name: a\n    when: {role: admn}\n")
        }
        #expect(error?.line == 4 && error?.column == 18)
        #expect(
            error?.message.contains("role 'admn' is not in the membership file members.csv (its roles: admin)") == true)
        #expect(error?.message.contains("did you mean 'admin'?") == true)
        let organization = #expect(throws: PolicyError.self) {
            try Self.policy("  - name: a\n    when:\n      organization: [acme, initech]\n")
        }
        #expect(organization?.message.contains("organization 'initech' is not in the membership file") == true)
        #expect(organization?.message.contains("acme, Globex, Inc.") == true)
    }

    @Test("without a membership file, a role condition says what to give")
    func noFile() {
        let error = #expect(throws: PolicyError.self) {
            try Self.policy("  - name: a\n    when: {role: admin}\n", membership: PolicyMembership.none)
        }
        #expect(error?.message.contains("needs the membership file: give plan --members FILE") == true)
        let shared = #expect(throws: PolicyError.self) {
            try Self.policy("  - name: a\n    when: {role: admin, column: email}\n")
        }
        #expect(shared?.message.contains("cannot share a condition") == true)
    }

    @Test("collecting: the names, for reconcile to fetch; nothing matches")
    func collecting() throws {
        let p = try Self.policy(
            "  - name: a\n    when: {any: [{role: admin}, {organization: acme}, {role: admin}]}\n",
            membership: .collecting)
        #expect(p.membershipNames == [.role: ["admin"], .organization: ["acme"]])
        #expect(!p.decide(values: p.row(["user_id": "auth0|1"]), now: Date()).selected)
    }

    @Test("a plan counts selections by role and organization, and records the file's digest")
    func planCounts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("members-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let export = directory.appendingPathComponent("users.csv").path
        try """
        user_id,email,app_metadata.use_mfa
        'auth0|1,'a@acme.com,
        'auth0|2,'b@acme.com,true
        'auth0|3,'c@acme.com,
        'auth0|5,'e@acme.com,

        """.write(toFile: export, atomically: true, encoding: .utf8)
        let p = try Self.policy("  - name: admins\n    when: {role: admin}\n")
        let plan = try PlanPipeline(PlanRequest(sources: [.file(export)], policy: p)).makePlan()
        #expect(plan.summary.selected == 2)
        #expect(plan.summary.byMembership == ["role admin": 2, "organization acme": 1, "organization Globex, Inc.": 0])
        #expect(plan.operations.map(\.userID) == ["auth0|1"])
        #expect(
            plan.inputs.contains {
                $0.role == .members && $0.path == "members.csv" && $0.sha256 == (try? Self.file().sha256)
            })
        let markdown = MarkdownReport.render(ReportModel(plan: plan))
        #expect(markdown.contains("## Selected by role and organization"))
        #expect(markdown.contains("| role admin | 2 |"))
    }
}
