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

        var json: JSONValue {
            [
                "ticket_id": .string(id),
                "user_id": .string(userID),
                "email": email.map(JSONValue.string) ?? .null,
                "send_mail": .bool(sendMail),
                "factor": factor.map(JSONValue.string) ?? .null,
                "created_at": .string(createdAt),
            ]
        }
    }

    static let factors: Set<String> = [
        "phone", "push-notification", "otp", "email", "webauthn-roaming", "webauthn-platform",
    ]

    private var tickets: [Ticket] = []
    private var enrollments: [String: [JSONValue]] = [:]
    private let clock: any EmulatorClock

    init(clock: any EmulatorClock) {
        self.clock = clock
    }

    /// Validates a ticket request body (the user's existence is checked by the caller).
    static func validate(_ body: JSONValue) throws(Auth0ErrorBody) -> (userID: String, email: String?, sendMail: Bool, factor: String?) {
        guard case .object(let members) = body else {
            throw .badRequest("Payload validation error: 'Expected type object but found type \(body.typeName)'.")
        }
        guard let userID = members["user_id"]?.stringValue, !userID.isEmpty else {
            throw .badRequest("Payload validation error: 'Missing required property: user_id'.")
        }
        var factor: String?
        if let value = members["factor"] {
            guard let name = value.stringValue, factors.contains(name) else {
                throw .badRequest("Payload validation error: 'No enum match for: \(value.encodedText)' on property factor.")
            }
            factor = name
        }
        if let value = members["send_mail"], value.boolValue == nil {
            throw .badRequest("Payload validation error: 'Expected type boolean but found type \(value.typeName)' on property send_mail.")
        }
        return (userID, members["email"]?.stringValue, members["send_mail"]?.boolValue ?? true, factor)
    }

    /// Records a ticket and a pending enrollment; returns the ticket id and its secret.
    func createTicket(userID: String, email: String?, sendMail: Bool, factor: String?) -> (id: String, secret: String) {
        let ticket = Ticket(
            id: RandomToken.alphanumeric(24),
            userID: userID,
            email: email,
            sendMail: sendMail,
            factor: factor,
            createdAt: clock.timestamp()
        )
        tickets.append(ticket)
        enrollments[userID, default: []].append([
            "id": .string("dev_" + RandomToken.alphanumeric(16)),
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

    /// The enrollments of one user.
    func enrollments(userID: String) -> [JSONValue] { enrollments[userID] ?? [] }

    /// Every ticket issued, oldest first.
    func allTickets() -> [Ticket] { tickets }
}
