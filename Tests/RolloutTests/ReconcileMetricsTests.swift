import Foundation
import Testing

@testable import Rollout

@Suite("reconcile: metrics files")
struct ReconcileMetricsTests {
    func summary(_ outcome: ReconcileOutcome, applied: Int = 0, failed: Int = 0) -> ReconcileSummary {
        ReconcileSummary(
            outcome: outcome, exitCode: outcome.exitCode, domain: "acme.eu.auth0.com",
            startedAt: Date(timeIntervalSince1970: 1_795_000_000),
            finishedAt: Date(timeIntervalSince1970: 1_795_000_042),
            durationSeconds: 42.5, lastSuccessAt: nil, export: nil,
            plan: .init(
                path: "out/plan.json", fingerprint: "sha256:ab", rows: 1000, enable: 12, disable: 3, unchanged: 985,
                rejected: 0, applicable: true, trippedGuards: []),
            reports: [],
            apply: applied + failed == 0
                ? nil
                : .init(
                    journal: "j", done: applied, failed: failed, skippedDrift: 0, pending: 0, doneThisRun: applied,
                    failedThisRun: failed, requests: applied + failed, retries: 0, rateLimited: 0),
            error: nil)
    }

    /// Parses Prometheus text format strictly enough to catch malformed output: every sample's
    /// family has exactly one HELP and one TYPE line before its first sample; names and labels
    /// are well-formed; values are numbers.
    func parse(_ text: String) throws -> [String: Double] {
        var help: Set<String> = []
        var types: [String: String] = [:]
        var samples: [String: Double] = [:]
        let name = #"[a-zA-Z_:][a-zA-Z0-9_:]*"#
        let sample = try Regex(
            #"^(\#(name))(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*\})? (\S+)$"#)
        #expect(text.hasSuffix("\n"))
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") {
                let family = String(line.dropFirst(7).prefix { $0 != " " })
                #expect(help.insert(family).inserted, "two HELP lines for \(family)")
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                #expect(parts.count == 2 && ["gauge", "counter"].contains(String(parts[1])), "\(line)")
                #expect(types.updateValue(String(parts[1]), forKey: String(parts[0])) == nil, "two TYPE lines")
            } else {
                let match = try #require(try sample.wholeMatch(in: String(line)), "malformed sample: \(line)")
                let family = String(match.output[1].substring!)
                #expect(help.contains(family) && types[family] != nil, "\(family) has no HELP/TYPE before its sample")
                if types[family] == "counter" { #expect(family.hasSuffix("_total")) }
                let key = String(line.split(separator: " ")[0])
                #expect(samples[key] == nil, "duplicate series \(key)")
                samples[key] = try #require(Double(String(line.split(separator: " ")[1])))
            }
        }
        return samples
    }

    @Test("The .prom file is valid text format with the documented series")
    func format() throws {
        let (text, _) = MetricsTextfile.render(summary(.applied, applied: 12, failed: 3), previous: .init())
        let samples = try parse(text)
        #expect(samples["mfa_rollout_rows"] == 1000)
        #expect(samples["mfa_rollout_changes{action=\"enable\"}"] == 12)
        #expect(samples["mfa_rollout_changes{action=\"disable\"}"] == 3)
        #expect(samples["mfa_rollout_applied_total"] == 12)
        #expect(samples["mfa_rollout_failed_total"] == 3)
        #expect(samples["mfa_rollout_duration_seconds"] == 42.5)
        #expect(samples["mfa_rollout_last_success_timestamp_seconds"] == 1_795_000_042)
        #expect(samples["mfa_rollout_last_run_timestamp_seconds"] == 1_795_000_042)
        #expect(samples["mfa_rollout_exit_code"] == 0)
        for outcome in ReconcileOutcome.allCases {
            #expect(samples["mfa_rollout_outcome{outcome=\"\(outcome.rawValue)\"}"] == (outcome == .applied ? 1 : 0))
        }
    }

    @Test("Counters add up over runs; a failed run keeps the previous last success")
    func carryOver() throws {
        let (firstText, _) = MetricsTextfile.render(summary(.applied, applied: 5, failed: 1), previous: .init())
        let previous = MetricsTextfile.carried(fromPrevious: firstText)
        #expect(previous == .init(appliedTotal: 5, failedTotal: 1, lastSuccess: 1_795_000_042))
        var failing = summary(.error)
        failing.plan = nil
        failing.finishedAt = Date(timeIntervalSince1970: 1_795_099_999)
        let (secondText, carried) = MetricsTextfile.render(failing, previous: previous)
        let samples = try parse(secondText)
        #expect(samples["mfa_rollout_last_success_timestamp_seconds"] == 1_795_000_042)
        #expect(samples["mfa_rollout_last_run_timestamp_seconds"] == 1_795_099_999)
        #expect(samples["mfa_rollout_applied_total"] == 5)
        #expect(samples["mfa_rollout_outcome{outcome=\"error\"}"] == 1)
        #expect(samples["mfa_rollout_exit_code"] == 1)
        #expect(carried.lastSuccess == 1_795_000_042)
        let (thirdText, _) = MetricsTextfile.render(summary(.applied, applied: 2), previous: carried)
        #expect(try parse(thirdText)["mfa_rollout_applied_total"] == 7)
    }

    @Test("Before any success there is no last-success series; garbage in a previous file is ignored")
    func noSuccessYet() throws {
        var failing = summary(.error)
        failing.plan = nil
        let previous = MetricsTextfile.carried(fromPrevious: "garbage\nmfa_rollout_applied_total NaN\n")
        #expect(previous == .init())
        let samples = try parse(MetricsTextfile.render(failing, previous: previous).text)
        #expect(samples["mfa_rollout_last_success_timestamp_seconds"] == nil)
        #expect(samples["mfa_rollout_rows"] == 0)
    }

    @Test("Outcomes map to the documented exit codes")
    func exitCodes() {
        #expect(ReconcileOutcome.allCases.map(\.exitCode) == [0, 2, 3, 0, 4, 1, 1])
        #expect(ReconcileOutcome.allCases.filter(\.isSuccess) == [.inSync, .changesPending, .applied])
    }

    @Test("The summary JSON has snake_case keys and ISO-8601 dates")
    func summaryJSON() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(summary(.inSync).encoded())) as? [String: Any])
        #expect(object["outcome"] as? String == "in-sync")
        #expect(object["exit_code"] as? Int == 0)
        #expect(object["started_at"] as? String == "2026-11-18T11:06:40Z")
        #expect((object["plan"] as? [String: Any])?["fingerprint"] as? String == "sha256:ab")
    }
}
