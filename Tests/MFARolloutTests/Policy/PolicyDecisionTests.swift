import Foundation
import Testing

@testable import MFARollout

@Suite("Policy decisions")
struct PolicyDecisionTests {
    typealias F = Fixture
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    static let yaml = """
        version: 1
        rules:
          - name: staff
            when: {column: email, domain: corp.com}
          - name: admins
            when: {column: role, equals: admin}
        allow:
          ids: ["auth0|allowed", "auth0|both"]
          emails: [Friend@Example.com]
        deny:
          ids: ["auth0|denied", "auth0|both"]
          emails: [enemy@corp.com]
        """

    func decide(_ p: Policy, _ row: [String: String]) -> Selection {
        p.decide(values: p.row(row), now: now)
    }

    @Test func denyBeatsAllowBeatsRules() throws {
        let p = try F.parse(Self.yaml)
        #expect(
            decide(p, ["user_id": "auth0|both", "email": "x@corp.com"]) == Selection(selected: false, reason: .denyList)
        )
        #expect(decide(p, ["user_id": "auth0|denied", "email": "x@corp.com"]).reason == .denyList)
        #expect(decide(p, ["user_id": "auth0|7", "email": "ENEMY@corp.com"]).reason == .denyList)
        #expect(
            decide(p, ["user_id": "auth0|allowed", "email": "x@gmail.com"])
                == Selection(selected: true, reason: .allowList))
        #expect(decide(p, ["user_id": "auth0|8", "email": "friend@EXAMPLE.com"]).reason == .allowList)
        #expect(
            decide(p, ["user_id": "auth0|9", "email": "x@corp.com"])
                == Selection(selected: true, reason: .rule("staff")))
        #expect(
            decide(p, ["user_id": "auth0|9", "email": "x@gmail.com"])
                == Selection(selected: false, reason: .noRuleMatched))
    }

    @Test func idsCompareExactly() throws {
        let p = try F.parse(Self.yaml)
        #expect(decide(p, ["user_id": "AUTH0|DENIED", "email": "x@corp.com"]).reason == .rule("staff"))
    }

    @Test func firstMatchingRuleWins() throws {
        let p = try F.parse(Self.yaml)
        #expect(decide(p, ["user_id": "auth0|1", "email": "x@corp.com", "role": "admin"]).reason == .rule("staff"))
        #expect(decide(p, ["user_id": "auth0|1", "email": "x@else.com", "role": "admin"]).reason == .rule("admins"))
    }

    @Test func ruleRolloutOverridesGlobal() throws {
        let p = try F.parse(
            """
            version: 1
            rollout: {percentage: 10, salt: s1}
            rules:
              - name: wide
                rollout: 90
                when: {column: plan, equals: a}
              - name: global
                when: {column: plan, equals: b}
              - name: all-of-them
                rollout: 100
                when: {column: plan, equals: c}
              - name: none
                rollout: 0
                when: {column: plan, equals: d}
            """)
        var counts: [String: Int] = [:]
        for i in 0..<2000 {
            let id = "auth0|\(i)"
            let bucket = RolloutBucket.value(userID: id, salt: "s1")
            for plan in ["a", "b", "c", "d"] {
                let s = decide(p, ["user_id": id, "plan": plan])
                let percentage: Double = ["a": 90, "b": 10, "c": 100, "d": 0][plan]!
                #expect(s.selected == (bucket < percentage), "\(id) \(plan)")
                if s.selected { counts[plan, default: 0] += 1 }
                if !s.selected {
                    let rule = ["a": "wide", "b": "global", "c": "all-of-them", "d": "none"][plan]!
                    #expect(s.reason == .heldBackByRollout(rule: rule, bucket: bucket, percentage: percentage))
                }
            }
        }
        #expect(counts["c"] == 2000)
        #expect(counts["d"] == nil)
        #expect((1700...1900).contains(counts["a"] ?? 0))
        #expect((120...280).contains(counts["b"] ?? 0))
    }

    @Test func ruleRolloutWithoutGlobalPercentageUsesTheSalt() throws {
        let p = try F.parse(
            """
            version: 1
            rollout: {salt: only-salt}
            rules:
              - name: half
                rollout: 50
                when: {column: plan, equals: a}
              - name: rest
                when: {column: plan, equals: b}
            """)
        for i in 0..<200 {
            let id = "auth0|\(i)"
            let bucket = RolloutBucket.value(userID: id, salt: "only-salt")
            #expect(decide(p, ["user_id": id, "plan": "a"]).selected == (bucket < 50))
            #expect(decide(p, ["user_id": id, "plan": "b"]) == Selection(selected: true, reason: .rule("rest")))
        }
    }

    @Test func allowBypassesRollout() throws {
        let p = try F.parse(
            """
            version: 1
            rollout: {percentage: 0, salt: s}
            allow: {ids: ["auth0|1"]}
            rules:
              - name: r
                when: {column: plan, equals: a}
            """)
        #expect(decide(p, ["user_id": "auth0|1", "plan": "zzz"]).reason == .allowList)
        if case .heldBackByRollout = decide(p, ["user_id": "auth0|2", "plan": "a"]).reason {
        } else {
            Issue.record("expected held back at 0%")
        }
    }

    @Test func labels() {
        #expect(SelectionReason.denyList.label == "deny list")
        #expect(SelectionReason.allowList.label == "allow list")
        #expect(SelectionReason.rule("staff").label == "rule staff")
        #expect(
            SelectionReason.heldBackByRollout(rule: "staff", bucket: 40.1, percentage: 25).label
                == "rule staff (held back by 25% rollout)")
        #expect(
            SelectionReason.heldBackByRollout(rule: "staff", bucket: 40.1, percentage: 12.5).label
                == "rule staff (held back by 12.5% rollout)")
        #expect(SelectionReason.noRuleMatched.label == "no rule matched")
    }

    @Test func reasonRoundTripsThroughJSON() throws {
        let reasons: [SelectionReason] = [
            .denyList, .allowList, .rule("a"), .heldBackByRollout(rule: "b", bucket: 3.5, percentage: 2),
            .noRuleMatched,
        ]
        let data = try JSONEncoder().encode(reasons)
        #expect(try JSONDecoder().decode([SelectionReason].self, from: data) == reasons)
    }

    @Test func columnsNeededOrderAndNoDuplicates() throws {
        let p = try F.parse(
            """
            version: 1
            flag: {location: user_metadata.mfa}
            columns: {user_id: id, email: mail, connection: conn}
            rules:
              - name: a
                when: {all: [{column: z, exists: true}, {column: mail, domain: x.com}, {column: b, gt: 1}, {column: z, empty: false}]}
              - name: b
                when: {column: b, lt: 9}
            """)
        #expect(p.columnsNeeded == ["id", "mail", "conn", "user_metadata.mfa", "user_metadata.mfa_source", "z", "b"])
        #expect(p.flag == FlagLocation(container: .userMetadata, key: "mfa"))
        #expect(p.flag.description == "user_metadata.mfa")
        #expect(p.flagColumn == "user_metadata.mfa")
        #expect(p.decide(values: ["auth0|1", "q@x.com", nil, nil, nil, "v", "5"], now: now).reason == .rule("a"))
        #expect(p.decide(values: ["auth0|1", "q@y.com", nil, nil, nil, "v", "5"], now: now).reason == .rule("b"))
    }

    @Test func checkColumnsNamesTheRuleThatReadsAMissingColumn() throws {
        let p = try F.parse(
            """
            version: 1
            rules:
              - name: a
                when:
                  column: logins_cuont
                  gt: 1
            """)
        #expect(throws: Never.self) { try p.checkColumns(header: ["user_id", "logins_cuont"]) }
        let e = #expect(throws: PolicyError.self) { try p.checkColumns(header: ["user_id", "logins_count"]) }
        #expect(e?.keyPath == "rules[0].when.column")
        #expect(e?.line == 5)
        #expect(e?.column == 15)
        #expect(e?.message.contains("did you mean 'logins_count'") == true)
    }

    @Test func checkColumnsWantsTheEmailColumnForEmailLists() throws {
        let p = try F.parse(
            """
            version: 1
            allow: {emails: [a@b.com]}
            """)
        #expect(throws: PolicyError.self) { try p.checkColumns(header: ["user_id"]) }
        #expect(throws: Never.self) { try p.checkColumns(header: ["user_id", "email"]) }
    }

    @Test func fullFixtureLoads() throws {
        let path = F.directory + "/full.yaml"
        let p = try Policy.load(path: path)
        #expect(p.mode == .enforce)
        #expect(p.flagColumn == "use_mfa")
        #expect(p.dialect == CSVDialect(delimiter: UInt8(ascii: ";"), auth0Escaping: .on))
        #expect(p.columns == .default)
        #expect(p.rules.map(\.name) == ["staff", "active-db-users"])
        #expect(p.rules[0].description == "Everyone at the company")
        #expect(p.rules[1].rollout == 50)
        #expect(p.rollout == RolloutSettings(percentage: 25, salt: "mfa-2026-q4"))
        #expect(p.guards == Guards(maxChanges: 500, maxChangePercent: 20, minRows: 100))
        #expect(p.allow.ids == ["auth0|vip", "auth0|pilot-1", "auth0|pilot-2", "samlp|okta|jane@example.com"])
        #expect(p.allow.emails == ["boss@example.com", "pilot.three@example.com"])
        #expect(p.deny.ids == ["auth0|robot"])
        #expect(p.deny.emails == ["robot@corp.com"])
        #expect(p.inputFiles.map(\.kind) == [.policy, .allowList, .denyList])
        #expect(p.inputFiles[0].path == path)
        #expect(p.inputFiles[1].path.hasSuffix("policy/lists/allow.txt"))
        for file in p.inputFiles {
            let data = try Data(contentsOf: URL(fileURLWithPath: file.path))
            #expect(file.sha256 == Self.sha256Hex(data), "\(file.path)")
        }
        #expect(
            p.columnsNeeded == [
                "user_id", "email", "identities[0].connection", "use_mfa", "app_metadata.use_mfa_source",
                "logins_count", "app_metadata.plan",
            ])
        #expect(decide(p, ["user_id": "auth0|x", "email": "robot@corp.com"]).reason == .denyList)
        #expect(decide(p, ["user_id": "auth0|x", "email": "a@it.corp.com"]).reason == .rule("staff"))
    }

    /// SHA-256 computed by the shell's `sha256sum`, independently of swift-crypto.
    static func sha256Hex(_ data: Data) -> String {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("policy-sha-\(UUID().uuidString)")
        try! data.write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", tmp.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try! process.run()
        process.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(out.prefix(64))
    }
}
