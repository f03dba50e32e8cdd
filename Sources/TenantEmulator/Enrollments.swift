/// Guardian enrollment tickets and the pending enrollments they create.
actor Enrollments {
    /// One ticket, as recorded (the URL itself is a credential and is not kept).
    struct Ticket: Sendable, Equatable {
        var id: String
        var userID: String
        var email: String?
        var sendMail: Bool
        var factor: String?
        var createdAt: String
        /// The pending enrollment the ticket created.
        var enrollmentID: String = ""
        /// Whether the user has used the ticket to enroll (``Enrollments/confirm(ticketID:)``).
        var confirmed = false

        var json: JSONValue {
            [
                "ticket_id": .string(id),
                "user_id": .string(userID),
                "email": email.map(JSONValue.string) ?? .null,
                "send_mail": .bool(sendMail),
                "factor": factor.map(JSONValue.string) ?? .null,
                "created_at": .string(createdAt),
                "confirmed": .bool(confirmed),
            ]
        }
    }

    private var tickets: [Ticket] = []
    private var enrollments: [String: [JSONValue]] = [:]
    private let clock: any EmulatorClock

    init(clock: any EmulatorClock) {
        self.clock = clock
    }

    /// Records a ticket and a pending enrollment; returns the ticket id and its secret.
    func createTicket(userID: String, email: String?, sendMail: Bool, factor: String?) -> (id: String, secret: String) {
        var ticket = Ticket(
            id: RandomToken.alphanumeric(24),
            userID: userID,
            email: email,
            sendMail: sendMail,
            factor: factor,
            createdAt: clock.timestamp()
        )
        ticket.enrollmentID = "dev_" + RandomToken.alphanumeric(16)
        tickets.append(ticket)
        enrollments[userID, default: []].append([
            "id": .string(ticket.enrollmentID),
            "status": "pending",
            "type": .string(factor ?? "authenticator"),
            "enrolled_at": .string(ticket.createdAt),
        ])
        return (ticket.id, RandomToken.alphanumeric(32))
    }

    /// Records a confirmed enrollment, as if the user had enrolled a factor of `type`.
    func addConfirmed(userID: String, type: String) -> JSONValue {
        let enrollment: JSONValue = [
            "id": .string("dev_" + RandomToken.alphanumeric(16)),
            "status": "confirmed",
            "type": .string(type),
            "enrolled_at": .string(clock.timestamp()),
        ]
        enrollments[userID, default: []].append(enrollment)
        return enrollment
    }

    /// Marks the ticket used and its pending enrollment confirmed, as if the user had followed
    /// the link and enrolled. Returns the ticket, nil for an unknown or already used one.
    func confirm(ticketID: String) -> Ticket? {
        guard let index = tickets.firstIndex(where: { $0.id == ticketID }), !tickets[index].confirmed else {
            return nil
        }
        tickets[index].confirmed = true
        let ticket = tickets[index]
        let now = clock.timestamp()
        enrollments[ticket.userID] = (enrollments[ticket.userID] ?? []).map { enrollment in
            guard enrollment["id"]?.stringValue == ticket.enrollmentID, case .object(var fields) = enrollment else {
                return enrollment
            }
            fields["status"] = "confirmed"
            fields["enrolled_at"] = .string(now)
            return .object(fields)
        }
        return ticket
    }

    /// The enrollments of one user.
    func enrollments(userID: String) -> [JSONValue] { enrollments[userID] ?? [] }

    /// Every ticket issued, oldest first.
    func allTickets() -> [Ticket] { tickets }
}
