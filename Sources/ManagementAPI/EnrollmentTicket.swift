/// The URL of an MFA enrollment ticket. It is a credential (whoever opens it enrolls a factor
/// for the user), so its description is redacted and it is not `Codable`.
public struct TicketURL: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The URL itself; hand it only to the user it was made for.
    public let revealedValue: String

    public init(_ value: String) {
        self.revealedValue = value
    }

    public var description: String { "TicketURL(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// The factor an enrollment ticket asks for.
public enum EnrollmentFactor: String, Sendable, Equatable, CaseIterable {
    case phone
    case pushNotification = "push-notification"
    case otp
    case email
    case webauthnRoaming = "webauthn-roaming"
    case webauthnPlatform = "webauthn-platform"
}

/// What `POST /guardian/enrollments/ticket` is asked to create.
public struct EnrollmentTicketRequest: Sendable, Equatable {
    public var userID: String
    public var email: String?
    public var sendMail: Bool
    public var emailLocale: String?
    public var factor: EnrollmentFactor?
    public var allowMultipleEnrollments: Bool?

    public init(
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
public struct EnrollmentTicket: Sendable, Equatable, Decodable {
    public var ticketID: String
    public var ticketURL: TicketURL

    public init(ticketID: String, ticketURL: TicketURL) {
        self.ticketID = ticketID
        self.ticketURL = ticketURL
    }

    private enum CodingKeys: String, CodingKey {
        case ticketID = "ticket_id"
        case ticketURL = "ticket_url"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ticketID = try container.decode(String.self, forKey: .ticketID)
        ticketURL = TicketURL(try container.decode(String.self, forKey: .ticketURL))
    }
}

/// One MFA enrollment of a user (`GET /users/{id}/enrollments`).
public struct Enrollment: Sendable, Equatable, Decodable {
    public var id: String
    /// `pending` or `confirmed`.
    public var status: String?
    public var type: String?
    public var name: String?
    public var identifier: String?
    public var phoneNumber: String?
    public var authMethod: String?
    public var enrolledAt: String?
    public var lastAuth: String?

    private enum CodingKeys: String, CodingKey {
        case id, status, type, name, identifier
        case phoneNumber = "phone_number"
        case authMethod = "auth_method"
        case enrolledAt = "enrolled_at"
        case lastAuth = "last_auth"
    }

    /// The enrollment is complete.
    public var isConfirmed: Bool { status == "confirmed" }
}
