import ArgumentParser
import ManagementAPI
import Rollout

/// `--enroll` and its options, shared by `apply` and `reconcile --auto-apply`.
struct EnrollmentArguments: ParsableArguments {
    @Flag(
        name: .customLong("enroll"),
        help:
            "After turning a user's flag on, create an MFA enrollment ticket for the user (emailed by Auth0 unless --no-send-mail)."
    )
    var enroll = false

    @Flag(
        name: .customLong("no-send-mail"),
        help: "With --enroll: do not email the tickets; write their URLs to --ticket-file (mode 600) instead.")
    var noSendMail = false

    @Option(
        name: .customLong("enroll-factor"),
        help: ArgumentHelp(
            "With --enroll: the factor the ticket asks for (default: the user chooses).", valueName: "factor"))
    var factor: EnrollmentFactor?

    @Option(
        name: .customLong("ticket-file"),
        help: ArgumentHelp(
            "With --no-send-mail: the CSV for ticket URLs (default: PLAN.tickets.csv).", valueName: "file"))
    var ticketFile: String?

    func validate() throws {
        if !enroll && (noSendMail || factor != nil || ticketFile != nil) {
            throw ValidationError("--no-send-mail, --enroll-factor and --ticket-file apply only with --enroll")
        }
        if ticketFile != nil && !noSendMail {
            throw ValidationError("--ticket-file applies only with --no-send-mail (emailed tickets have no file)")
        }
    }

    /// The engine's options; nil without `--enroll`. `planPath` places the default ticket file
    /// (nil: the caller places it, as `reconcile` does beside each plan it writes).
    func options(forPlan planPath: String?) -> EnrollmentOptions? {
        guard enroll else { return nil }
        let file = noSendMail ? (ticketFile ?? planPath.map(EnrollmentOptions.defaultTicketFile(forPlan:))) : nil
        return EnrollmentOptions(sendMail: !noSendMail, factor: factor, ticketFile: file)
    }
}

extension EnrollmentFactor: ExpressibleByArgument {}
