import Foundation
import Testing

@testable import MFARollout

/// Helpers shared by the policy tests.
enum Fixture {
    /// `Tests/MFARolloutTests/Fixtures/policy` inside the test bundle.
    static var directory: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("policy").path
    }

    static func parse(_ yaml: String) throws(PolicyError) -> Policy {
        try Policy.parse(yaml: yaml, file: "policy.yaml", baseDirectory: directory)
    }

    /// The error parsing `yaml` throws, or nil when it parses.
    static func error(_ yaml: String) -> PolicyError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error
        }
    }

    /// A policy with one rule `r` whose `when:` is `condition` (YAML flow or block text, indented by the caller).
    static func policy(when condition: String) throws(PolicyError) -> Policy {
        try parse(
            """
            version: 1
            rules:
              - name: r
                when: \(condition)
            """)
    }

    /// The plan of `csv` (written to `users.csv` in a new temporary directory) under the policy
    /// `yaml`, made by the same pipeline as `mfa-rollout plan`.
    static func plan(csv: String, policy yaml: String, directoryPrefix: String = "plan") throws -> Plan {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(directoryPrefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let export = directory.appendingPathComponent("users.csv").path
        try csv.write(toFile: export, atomically: true, encoding: .utf8)
        let policy = try Policy.parse(yaml: yaml, file: "policy.yaml", baseDirectory: directory.path)
        return try PlanPipeline(PlanRequest(sources: [.file(export)], policy: policy)).makePlan()
    }
}

extension Policy {
    /// The values row for `columnsNeeded`, from a column → value map; absent columns are nil.
    func row(_ values: [String: String]) -> [String?] {
        columnsNeeded.map { values[$0] }
    }

    /// Whether the only rule matches the row.
    func matches(_ values: [String: String], now: Date = Date(timeIntervalSince1970: 1_780_000_000)) -> Bool {
        decide(values: row(values), now: now).selected
    }
}
