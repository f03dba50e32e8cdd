import Testing

@testable import TenantEmulator

@Suite("Guardian enrollment tickets")
struct EnrollmentTests {
    @Test(
        "A ticket answers ticket_id and an /mfa/enrollment URL, records send_mail and factor, and creates a pending enrollment"
    )
    func ticket() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let answer = try await h.send(
                .POST, "/api/v2/guardian/enrollments/ticket", token: token,
                json: ["user_id": .string(Fixtures.samlID), "send_mail": false, "factor": "otp"]
            )
            #expect((200..<300).contains(answer.status))
            let ticketID = try #require(answer.json["ticket_id"]?.stringValue)
            let url = try #require(answer.json["ticket_url"]?.stringValue)
            #expect(url.hasPrefix(h.emulator.baseURL + "/mfa/enrollment?ticket="))
            #expect(url.count > (h.emulator.baseURL + "/mfa/enrollment?ticket=").count)

            let tickets = try await h.send(.GET, "/__emulator/tickets")
            #expect(
                tickets.json
                    == .array([
                        [
                            "ticket_id": .string(ticketID), "user_id": .string(Fixtures.samlID), "email": .null,
                            "send_mail": false, "factor": "otp", "confirmed": false,
                            "created_at": try #require(tickets.json.arrayValue?.first?["created_at"]),
                        ]
                    ]))
            #expect(!tickets.text.contains(String(url.split(separator: "=").last!)))

            let enrollments = try await h.send(
                .GET, "/api/v2/users/\(encodedID(Fixtures.samlID))/enrollments", token: token)
            #expect(enrollments.status == 200)
            #expect(enrollments.json.arrayValue?.count == 1)
            #expect(enrollments.json.arrayValue?.first?["status"] == "pending")
            #expect(enrollments.json.arrayValue?.first?["type"] == "otp")
            let none = try await h.send(.GET, "/api/v2/users/\(encodedID(Fixtures.auth0ID))/enrollments", token: token)
            #expect(none.json == [])
        }
    }

    @Test("Tickets need the scope, a user_id, a known user and a known factor")
    func errors() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let missing = try await h.send(
                .POST, "/api/v2/guardian/enrollments/ticket", token: token, json: ["send_mail": true])
            #expect(missing.status == 400)
            let unknown = try await h.send(
                .POST, "/api/v2/guardian/enrollments/ticket", token: token, json: ["user_id": "auth0|nobody"])
            #expect(unknown.status == 404)
            #expect(unknown.json["errorCode"] == "inexistent_user")
            let factor = try await h.send(
                .POST, "/api/v2/guardian/enrollments/ticket", token: token,
                json: ["user_id": .string(Fixtures.samlID), "factor": "carrier-pigeon"])
            #expect(factor.status == 400)
        }
        try await withEmulator({ $0.scopes = ["read:users"] }) { h in
            let answer = try await h.send(
                .POST, "/api/v2/guardian/enrollments/ticket", token: try await h.token(),
                json: ["user_id": .string(Fixtures.samlID)])
            #expect(answer.status == 403)
            #expect(answer.json["message"] == "Insufficient scope, expected any of: create:guardian_enrollment_tickets")
        }
    }

    @Test(
        "Bodies the spec refuses: 400 invalid_body",
        arguments: [
            ["user_id": .string(Fixtures.samlID), "foo": 1] as JSONValue,
            ["user_id": .string(Fixtures.samlID), "email": "not-an-email"],
            ["user_id": .string(Fixtures.samlID), "allow_multiple_enrollments": "yes"],
            ["user_id": .string(Fixtures.samlID), "send_mail": "false"],
            ["user_id": .string(Fixtures.samlID), "email_locale": 5],
            ["user_id": 42],
        ])
    func refused(body: JSONValue) async throws {
        try await withEmulator { h in
            let answer = try await h.send(
                .POST, "/api/v2/guardian/enrollments/ticket", token: try await h.token(), json: body)
            #expect(answer.status == 400)
            #expect(answer.json["errorCode"] == "invalid_body")
            #expect(answer.json["message"]?.stringValue?.hasPrefix("Payload validation error: ") == true)
            #expect(try await h.send(.GET, "/__emulator/tickets").json == [])
        }
    }

    @Test("Every property of the spec is accepted")
    func everyProperty() async throws {
        try await withEmulator { h in
            let body: JSONValue = [
                "user_id": .string(Fixtures.samlID), "email": "jane.alt@example.com", "send_mail": true,
                "email_locale": "fr",
                "factor": "webauthn-roaming", "allow_multiple_enrollments": true,
            ]
            let answer = try await h.send(
                .POST, "/api/v2/guardian/enrollments/ticket", token: try await h.token(), json: body)
            #expect(answer.status == 200)
            let ticket = try await h.send(.GET, "/__emulator/tickets")
            #expect(ticket.json.arrayValue?.first?["email"] == "jane.alt@example.com")
        }
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
