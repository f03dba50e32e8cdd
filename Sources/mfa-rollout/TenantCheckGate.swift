import ArgumentParser
import MFARollout
import Rollout

/// The tenant check `apply` and `reconcile --auto-apply` run before sending anything.
enum TenantCheckGate {
    /// `--skip-check`, shared by the two commands.
    struct Options: ParsableArguments {
        @Flag(
            name: .customLong("skip-check"),
            help:
                "Do not check first that a deployed post-login Action (or enabled Rule) reads the flag and asks for MFA; the summary records that the check was skipped."
        )
        var skipCheck = false
    }

    /// Why the run may not go ahead.
    struct Refusal: Error, CustomStringConvertible {
        var reason: String
        var description: String { "refusing to send anything: \(reason)" }
    }

    /// Runs the check unless `skip`; throws ``Refusal`` when the flag would not lead to MFA
    /// (or the check cannot run). Returns what the summary records: `passed`,
    /// `passed with warnings` or `skipped`.
    static func require(
        settings: ConnectionSettings, flag: FlagLocation, reconcile: Bool, enroll: Bool, skip: Bool
    ) async throws -> String {
        if skip {
            Terminal.note("tenant check skipped (--skip-check): nothing confirms that the flag leads to MFA")
            return "skipped"
        }
        let report = try await TenantCheckRun.run(
            connection: settings, flag: flag, reconcile: reconcile, enroll: enroll)
        if let refusal = report.applyRefusal { throw Refusal(reason: refusal) }
        if report.verdict == .pass {
            Terminal.note("tenant check passed: \(report.flag) leads to MFA")
            return "passed"
        }
        for result in report.results where result.verdict != .pass {
            Terminal.note("tenant check \(result.verdict.rawValue): \(result.id): \(Terminal.visible(result.message))")
        }
        return "passed with warnings"
    }
}
