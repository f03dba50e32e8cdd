import NIOHTTP1
import Testing

@testable import TenantEmulator

/// The spec lists `application/x-www-form-urlencoded` beside JSON for the three bodies the
/// emulator takes: PATCH user, the enrollment ticket and the export job.
@Suite("Form-encoded bodies")
struct FormBodyTests {
    static func form(_ h: Harness, _ method: HTTPMethod, _ path: String, _ text: String) async throws -> Answer {
        try await h.send(
            method, path,
            headers: [
                ("Authorization", "Bearer " + (try await h.token())),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body: Array(text.utf8)
        )
    }

    @Test("PATCH user: booleans and strings from a form, as the schema types them")
    func patchUser() async throws {
        try await withEmulator { h in
            let answer = try await Self.form(
                h, .PATCH, "/api/v2/users/" + encodedID(Fixtures.auth0ID),
                "blocked=true&name=Ada+L%C3%B6vel&email_verified=false")
            #expect(answer.status == 200)
            #expect(answer.json["blocked"] == true)
            #expect(answer.json["email_verified"] == false)
            #expect(answer.json["name"] == "Ada Lövel")
            #expect(answer.json["app_metadata"] == Fixtures.users[0].fields["app_metadata"])
        }
    }

    @Test("PATCH user: a form value that is not of the schema's type is refused like JSON")
    func patchUserWrongType() async throws {
        try await withEmulator { h in
            let answer = try await Self.form(h, .PATCH, "/api/v2/users/" + encodedID(Fixtures.auth0ID), "blocked=yes")
            #expect(answer.status == 400)
            #expect(
                answer.json["message"]
                    == "Payload validation error: 'Expected type boolean but found type string' on property blocked.")
        }
    }

    @Test("Enrollment ticket from a form")
    func ticket() async throws {
        try await withEmulator { h in
            let answer = try await Self.form(
                h, .POST, "/api/v2/guardian/enrollments/ticket",
                "user_id=\(encodedID(Fixtures.samlID))&send_mail=false&factor=otp")
            #expect(answer.status == 200)
            #expect(answer.json["ticket_id"]?.stringValue?.isEmpty == false)
            let tickets = try await h.send(.GET, "/__emulator/tickets")
            #expect(tickets.json.arrayValue?.first?["send_mail"] == false)
            #expect(tickets.json.arrayValue?.first?["factor"] == "otp")
            #expect(tickets.json.arrayValue?.first?["user_id"] == .string(Fixtures.samlID))
        }
    }

    @Test("Export job from a form")
    func exportJob() async throws {
        try await withEmulator { h in
            let answer = try await Self.form(h, .POST, "/api/v2/jobs/users-exports", "format=csv&limit=2")
            #expect(answer.status == 201)
            #expect(answer.json["limit"] == 2)
            #expect(answer.json["format"] == "csv")
        }
    }
}
