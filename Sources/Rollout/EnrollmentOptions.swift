import ManagementAPI

/// `--enroll`: after an operation turns a user's flag on, create a Guardian enrollment ticket
/// for that user (`POST /api/v2/guardian/enrollments/ticket`).
package struct EnrollmentOptions: Sendable, Equatable {
    /// Auth0 emails the ticket to the user (default). Off: the URLs go to ``ticketFile``.
    package var sendMail: Bool
    /// The factor the ticket asks for; nil lets the user choose among the tenant's factors.
    package var factor: EnrollmentFactor?
    /// Where ticket URLs are written (mode 0600) when ``sendMail`` is off. Required then.
    package var ticketFile: String?

    package init(sendMail: Bool = true, factor: EnrollmentFactor? = nil, ticketFile: String? = nil) {
        self.sendMail = sendMail
        self.factor = factor
        self.ticketFile = ticketFile
    }

    /// `plan.json.tickets.csv` beside the plan.
    package static func defaultTicketFile(forPlan planPath: String) -> String {
        planPath + ".tickets.csv"
    }
}
