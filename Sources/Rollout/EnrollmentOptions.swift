import ManagementAPI

/// `--enroll`: after an operation turns a user's flag on, create a Guardian enrollment ticket
/// for that user (`POST /api/v2/guardian/enrollments/ticket`).
public struct EnrollmentOptions: Sendable, Equatable {
    /// Auth0 emails the ticket to the user (default). Off: the URLs go to ``ticketFile``.
    public var sendMail: Bool
    /// The factor the ticket asks for; nil lets the user choose among the tenant's factors.
    public var factor: EnrollmentFactor?
    /// Where ticket URLs are written (mode 0600) when ``sendMail`` is off. Required then.
    public var ticketFile: String?

    public init(sendMail: Bool = true, factor: EnrollmentFactor? = nil, ticketFile: String? = nil) {
        self.sendMail = sendMail
        self.factor = factor
        self.ticketFile = ticketFile
    }

    /// `plan.json.tickets.csv` beside the plan.
    public static func defaultTicketFile(forPlan planPath: String) -> String {
        planPath + ".tickets.csv"
    }
}
