import ArgumentParser
import Foundation
import Logging
import MFARollout
import ManagementAPI
import Rollout

/// `mfa-rollout check`: does the tenant act on the flag?
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that the tenant turns the flag into MFA: scopes, factors, MFA policy, Actions, Rules.",
        discussion: """
            Reads the tenant (GET /api/v2/guardian/factors, /guardian/policies, \
            /actions/triggers/post-login/bindings with the bound Actions' deployed code, /rules) and \
            prints one line per check, pass, warn or FAIL, each warning and failure with its fix.

            scopes: the token covers the run (the write scope for the flag; read:users with \
            --reconcile; create:guardian_enrollment_tickets with --enroll; the read scopes of this \
            check). factors: at least one MFA factor is enabled. mfa-policy: Never ([]) passes, \
            all-applications fails (the flag is moot), confidence-score warns. actions: a deployed \
            post-login Action reads the flag's exact location (=== true) and calls \
            api.multifactor.enable or api.authentication.challengeWith…; one reading another container \
            or key fails, naming both. rules: enabled legacy Rules, read the same way (they reached end \
            of life on 18 November 2024). flag-container: a user_metadata flag warns (end users can \
            edit it).

            The flag comes from --policy or from a plan file. `apply` and `reconcile --auto-apply` run \
            this check first.

            Exit codes: 0 every check passes (or only warnings, without --strict), 3 warnings with \
            --strict, 1 a check failed or an error.
            """
    )

    @Argument(help: ArgumentHelp("A plan file; its flag is checked (instead of --policy).", valueName: "plan.json"))
    var plan: String?

    @Option(help: ArgumentHelp("The policy whose flag is checked.", valueName: "file"))
    var policy: String?

    @OptionGroup(title: "Connection")
    var connection: ConnectionOptions

    @Flag(help: "Also require read:users (for reconcile).")
    var reconcile = false

    @Flag(help: "Also require create:guardian_enrollment_tickets (for --enroll).")
    var enroll = false

    @Flag(help: "Exit 3 when a check warns.")
    var strict = false

    @Flag(help: "Print the report as JSON on standard output.")
    var json = false

    func validate() throws {
        if (plan == nil) == (policy == nil) { throw ValidationError("give either --policy FILE or a plan file") }
    }

    func run() async throws {
        let report: TenantCheckReport
        do {
            let flag = try FlagSource.flag(policy: policy, plan: plan)
            report = try await TenantCheckRun.run(
                connection: try connection.settings(), flag: flag, reconcile: reconcile, enroll: enroll)
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
        if json {
            Terminal.standardOutput(try Terminal.json(report))
        } else {
            Terminal.standardOutput(CheckReportText.render(report, domain: connection.domain))
        }
        let code = report.exitCode(strict: strict)
        if code != 0 { throw ExitCode(code) }
    }
}

/// The flag a command works on, from a policy or a plan.
enum FlagSource {
    static func flag(policy: String?, plan: String?) throws -> FlagLocation {
        if let policy { return try Policy.load(path: policy).flag }
        if let plan {
            return try flag(of: PlanStream.open(path: plan, checkingOperations: false).outline.flag, in: plan)
        }
        throw CLIError.invalidOption("give either --policy FILE or a plan file")
    }

    /// The flag a plan (read from `path`) sets.
    static func flag(of target: Plan.FlagTarget, in path: String) throws -> FlagLocation {
        guard let container = FlagLocation.Container(rawValue: target.container) else {
            throw CLIError.invalidOption("\(path): unknown flag container \(target.container)")
        }
        return FlagLocation(container: container, key: target.key)
    }
}

/// Runs ``TenantChecker`` over a connection of its own (paced as reads).
enum TenantCheckRun {
    static func run(connection settings: ConnectionSettings, flag: FlagLocation, reconcile: Bool, enroll: Bool)
        async throws -> TenantCheckReport
    {
        var logger = Logger(label: "mfa-rollout.check")
        logger.logLevel = .error
        return try await ManagementConnection.with(settings, scope: .readUsers, logger: logger) { connection in
            try await TenantChecker(client: connection.client).run(
                flag: flag, needed: ScopeRequirement.forRun(flag: flag, reconcile: reconcile, enroll: enroll))
        }
    }
}
