import Foundation
import Testing

@testable import MFARollout

/// `enforce` takes back only the flags the rollout gave: the source key marks them.
@Suite("flag ownership: the source key and disable: owned-only")
struct FlagOwnershipTests {
    static let header = "user_id,email,identities[0].connection,app_metadata.use_mfa,app_metadata.use_mfa_source\n"

    static func plan(_ rows: String, header: String = header, policy extra: String = "") throws -> Plan {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("owners-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let export = directory.appendingPathComponent("users.csv").path
        try (header + rows).write(toFile: export, atomically: true, encoding: .utf8)
        let policy = try Policy.parse(
            yaml: """
                version: 1
                mode: enforce
                rules:
                  - name: staff
                    when: {column: email, domain: corp.com}
                \(extra)
                """,
            file: "policy.yaml", baseDirectory: directory.path)
        return try PlanPipeline(PlanRequest(sources: [.file(export)], policy: policy)).makePlan()
    }

    // Auth0 escaping: strings carry a leading ', booleans are bare.
    static let rows = """
        'auth0|owned,'left@other.com,'db,true,'mfa-rollout
        'auth0|by-hand,'risk@other.com,'db,true,
        'auth0|other-tool,'x@other.com,'db,true,'okta-sync
        'auth0|new,'new@corp.com,'db,,
        'auth0|stale,'back@corp.com,'db,false,'old-marker
        'auth0|string,'s@other.com,'db,'true,

        """

    @Test("owned-only (the default): turns off only flags with the marker; the others are kept and listed")
    func ownedOnly() throws {
        let plan = try Self.plan(Self.rows)
        let byUser = Dictionary(uniqueKeysWithValues: plan.operations.map { ($0.userID, $0) })
        #expect(Set(byUser.keys) == ["auth0|owned", "auth0|new", "auth0|stale"])
        #expect(byUser["auth0|owned"]?.action == .disable)
        #expect(byUser["auth0|owned"]?.source == SourceChange(current: "mfa-rollout", desired: nil))
        #expect(byUser["auth0|new"]?.source == SourceChange(current: nil, desired: "mfa-rollout"))
        #expect(byUser["auth0|stale"]?.source == SourceChange(current: "old-marker", desired: "mfa-rollout"))
        #expect(plan.summary.keptUnowned == 3)
        #expect(plan.summary.keptUnownedSample.map(\.userID) == ["auth0|by-hand", "auth0|other-tool", "auth0|string"])
        #expect(plan.summary.keptUnownedSample.map(\.current) == [.on, .on, .other])
        #expect(plan.summary.keptUnownedSample.first?.line == 3)
        #expect(plan.flag.source?.location == "app_metadata.use_mfa_source")
        #expect(plan.flag.source?.disable == .ownedOnly)
        // Without a `disable:` key the plan says why flags stayed on.
        #expect(plan.summary.warnings.count == 1)
        #expect(plan.summary.warnings.first?.contains("3 flags set outside the rollout are kept") == true)
    }

    @Test("disable: all turns off every flag of users not selected, and records each source to restore")
    func disableAll() throws {
        let plan = try Self.plan(Self.rows, policy: "disable: all")
        let disabled = plan.operations.filter { $0.action == .disable }
        #expect(disabled.map(\.userID) == ["auth0|owned", "auth0|by-hand", "auth0|other-tool", "auth0|string"])
        #expect(disabled.map(\.source?.current) == ["mfa-rollout", nil, "okta-sync", nil])
        #expect(disabled.allSatisfy { $0.source?.desired == nil })
        #expect(plan.summary.keptUnowned == 0 && plan.summary.warnings.isEmpty)
    }

    @Test("an explicit disable: owned-only keeps the same flags without the note")
    func explicitOwnedOnly() throws {
        let plan = try Self.plan(Self.rows, policy: "disable: owned-only")
        #expect(plan.summary.keptUnowned == 3 && plan.summary.disable == 1)
        #expect(plan.summary.warnings.isEmpty)
    }

    @Test("a bare value equal to the marker is not the marker: the rollout writes a string")
    func bareMarker() throws {
        let plan = try Self.plan("'auth0|1,'a@other.com,'db,true,mfa-rollout\n", policy: "disable: owned-only")
        #expect(plan.operations.isEmpty && plan.summary.keptUnowned == 1)
    }

    @Test("an export without the source column: nothing is turned off, and the plan says why")
    func missingSourceColumn() throws {
        let plan = try Self.plan(
            "'auth0|1,'a@other.com,'db,true\n'auth0|2,'b@corp.com,'db,\n",
            header: "user_id,email,identities[0].connection,app_metadata.use_mfa\n")
        #expect(plan.operations.map(\.action) == [.enable])
        #expect(plan.operations.first?.source == SourceChange(current: nil, desired: "mfa-rollout"))
        #expect(plan.summary.keptUnowned == 1)
        #expect(
            plan.summary.warnings.contains { $0.contains("the export has no column 'app_metadata.use_mfa_source'") })
    }

    @Test("a configured source key, column and marker")
    func configuredSource() throws {
        let plan = try Self.plan(
            "'auth0|1,'a@other.com,'db,true,'wave-3\n'auth0|2,'b@other.com,'db,true,'mfa-rollout\n",
            header: "user_id,email,identities[0].connection,app_metadata.use_mfa,owner\n",
            policy: """
                flag:
                  source: app_metadata.mfa_owner
                  source_column: owner
                  source_value: wave-3
                disable: owned-only
                """)
        #expect(plan.operations.map(\.userID) == ["auth0|1"])
        #expect(plan.operations.first?.source == SourceChange(current: "wave-3", desired: nil))
        #expect(
            plan.flag.source
                == .init(
                    container: "app_metadata", key: "mfa_owner", column: "owner", value: "wave-3", disable: .ownedOnly))
    }

    @Test("the source fields survive the plan file, and its fingerprint covers them")
    func planFileRoundTrip() throws {
        let plan = try Self.plan(Self.rows)
        let bytes = PlanFile.encode(plan)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""source_current":"mfa-rollout","source_desired":null"#))
        let reread = try PlanFile.decode(Data(bytes), path: "p.json")
        #expect(reread.operations == plan.operations)
        #expect(reread.flag == plan.flag && reread.summary == plan.summary)
        // The writer's JSON and JSONEncoder agree on every operation (fast path vs Codable).
        for operation in plan.operations {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let reference = String(decoding: try encoder.encode(operation), as: UTF8.self)
            var fast: [UInt8] = []
            operation.withFields { $0.appendJSON(to: &fast) }
            #expect(String(decoding: fast, as: UTF8.self) == reference)
        }
        // Editing the marker of one operation breaks the fingerprint.
        let edited = text.replacingOccurrences(of: #""source_desired":null"#, with: #""source_desired":"x""#)
        #expect(throws: PlanFileError.self) { try PlanFile.decode(Data(edited.utf8), path: "p.json") }
    }

    @Test("policy errors: an unknown disable, a source that is the flag, a bad source location")
    func policyErrors() {
        let misspelt = Fixture.error("version: 1\nmode: enforce\ndisable: owend-only\nallow: {ids: [a]}\n")
        #expect(
            misspelt?.description.contains("unknown disable 'owend-only' (expected one of: owned-only, all)") == true)
        #expect(misspelt?.description.contains("did you mean 'owned-only'?") == true)
        #expect(misspelt?.line == 3)
        let same = Fixture.error("version: 1\nflag: {source: app_metadata.use_mfa}\nallow: {ids: [a]}\n")
        #expect(same?.description.contains("must not be the flag itself") == true)
        let bad = Fixture.error("version: 1\nflag: {source: profile.x}\nallow: {ids: [a]}\n")
        #expect(bad?.description.contains("is not a source location") == true)
    }
}

/// A column the policy reads that is empty in every row: Auth0's exports leave objects and arrays blank.
@Suite("the blank-column warning")
struct BlankColumnTests {
    static func plan(_ csv: String) throws -> Plan {
        try Fixture.plan(
            csv: csv,
            policy: """
                version: 1
                rules:
                  - name: admins
                    when: {column: app_metadata.roles, matches: admin}
                  - name: staff
                    when: {column: email, domain: corp.com}
                """,
            directoryPrefix: "blank")
    }

    @Test("empty in every row: the plan names the column and the likely cause, in summary and reports")
    func warns() throws {
        let plan = try Self.plan(
            """
            user_id,email,app_metadata.use_mfa,app_metadata.roles
            'auth0|1,'a@corp.com,,
            'auth0|2,'b@x.com,,

            """)
        #expect(plan.summary.warnings.count == 1)
        let warning = try #require(plan.summary.warnings.first)
        #expect(warning.hasPrefix("column 'app_metadata.roles' is empty in every row"))
        #expect(warning.contains("Auth0 exports an object or array field as an empty value"))
        #expect(warning.contains("'app_metadata.roles[0]'"))
        let model = ReportModel(plan: plan)
        #expect(MarkdownReport.render(model).contains("column 'app\\_metadata.roles' is empty in every row"))
        let html = HTMLReport.render(model)
        #expect(
            html.contains("Warnings about the inputs") && html.contains("app_metadata.roles")
                && html.contains("is empty in every row"))
    }

    @Test("one value anywhere, even in the last row: no warning")
    func oneValue() throws {
        let plan = try Self.plan(
            """
            user_id,email,app_metadata.use_mfa,app_metadata.roles
            'auth0|1,'a@corp.com,,
            'auth0|2,'b@x.com,,'admin

            """)
        #expect(plan.summary.warnings.isEmpty)
    }

    @Test("no rows, no warning: an empty export is reported as such")
    func noRows() throws {
        let plan = try Self.plan("user_id,email,app_metadata.use_mfa,app_metadata.roles\n")
        #expect(plan.summary.warnings.isEmpty)
    }
}

/// The documented size of a stored operation (docs/benchmarks.md, `PlanOperations`).
@Suite("stored operation size")
struct StoredOperationSizeTests {
    @Test("an operation entry takes 56 bytes, the source's two indices included")
    func entrySize() {
        #expect(MemoryLayout<PlanOperations.Entry>.stride == 56)
    }
}
