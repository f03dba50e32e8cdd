/// The URL of an MFA enrollment ticket. It is a credential (whoever opens it enrolls a factor
/// for the user), so its description is redacted and it is not `Codable`.
package struct TicketURL: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The URL itself; hand it only to the user it was made for.
    package let revealedValue: String

    package init(_ value: String) {
        self.revealedValue = value
    }

    package var description: String { "TicketURL(redacted)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// The factor an enrollment ticket asks for.
package enum EnrollmentFactor: String, Sendable, Equatable, CaseIterable {
    case phone
    case pushNotification = "push-notification"
    case otp
    case email
    case webauthnRoaming = "webauthn-roaming"
    case webauthnPlatform = "webauthn-platform"
}

/// What `POST /guardian/enrollments/ticket` is asked to create.
package struct EnrollmentTicketRequest: Sendable, Equatable {
    package var userID: String
    package var email: String?
    package var sendMail: Bool
    package var emailLocale: String?
    package var factor: EnrollmentFactor?
    package var allowMultipleEnrollments: Bool?

    package init(
        userID: String,
        email: String? = nil,
        sendMail: Bool,
        emailLocale: String? = nil,
        factor: EnrollmentFactor? = nil,
        allowMultipleEnrollments: Bool? = nil
    ) {
        self.userID = userID
        self.email = email
        self.sendMail = sendMail
        self.emailLocale = emailLocale
        self.factor = factor
        self.allowMultipleEnrollments = allowMultipleEnrollments
    }

    var body: [String: JSONValue] {
        var body: [String: JSONValue] = ["user_id": .string(userID), "send_mail": .bool(sendMail)]
        if let email { body["email"] = .string(email) }
        if let emailLocale { body["email_locale"] = .string(emailLocale) }
        if let factor { body["factor"] = .string(factor.rawValue) }
        if let allowMultipleEnrollments { body["allow_multiple_enrollments"] = .bool(allowMultipleEnrollments) }
        return body
    }
}

/// A created enrollment ticket.
package struct EnrollmentTicket: Sendable, Equatable, Decodable {
    package var ticketID: String
    package var ticketURL: TicketURL

    package init(ticketID: String, ticketURL: TicketURL) {
        self.ticketID = ticketID
        self.ticketURL = ticketURL
    }

    private enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id"
        case ticketURL = "ticket_url"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ticketID = try container.decode(String.self, forKey: .ticketID)
        ticketURL = TicketURL(try container.decode(String.self, forKey: .ticketURL))
    }
}

/// One MFA enrollment of a user (`GET /users/{id}/enrollments`).
package struct Enrollment: Sendable, Equatable, Decodable {
    package var id: String
    /// `pending` or `confirmed`.
    package var status: String?
    package var type: String?
    package var name: String?
    package var identifier: String?
    package var phoneNumber: String?
    package var authMethod: String?
    package var enrolledAt: String?
    package var lastAuth: String?

    private enum CodingKeys: String, CodingKey {
        case id, status, type, name, identifier
        case phoneNumber = "phone_number"
        case authMethod = "auth_method"
        case enrolledAt = "enrolled_at"
        case lastAuth = "last_auth"
    }

    /// The enrollment is complete.
    package var isConfirmed: Bool { status == "confirmed" }
}
