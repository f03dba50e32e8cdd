import Foundation
import Hummingbird
import Testing

@testable import ManagementAPI

@Suite struct ExportAndEnrollmentTests {
    @Test func exportJobRoundTripWithDownloadFromAForeignHost() async throws {
        let apiLog = RequestLog()
        let fileLog = RequestLog()
        let issuer = TokenIssuer()
        let gzipBytes: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 1, 2, 3, 4, 5, 0xFF]
        try await TestServer.with(log: fileLog) { router in
            router.get("/exports/tenant.csv.gz") { _, _ in
                Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: gzipBytes)))
            }
        } _: { filePort in
            try await TestServer.with(log: apiLog) { router in
                addTokenRoute(router, issuer: issuer)
                router.post("/api/v2/jobs/users-exports") { _, _ in
                    Canned.json(
                        #"{"type":"users_export","status":"pending","format":"csv","fields":[{"name":"user_id"},{"name":"app_metadata.use_mfa","export_as":"use_mfa"}],"connection_id":"con_1","created_at":"2026-11-23T18:00:00.000Z","id":"job_abc"}"#,
                        status: .created
                    ).response()
                }
                router.get("/api/v2/jobs/:id") { _, _ in
                    // "localhost" is another origin than the API's 127.0.0.1.
                    Canned.json(
                        #"{"type":"users_export","status":"completed","format":"csv","percentage_done":100,"time_left_seconds":0,"id":"job_abc","location":"http://localhost:\#(filePort)/exports/tenant.csv.gz?sig=SIGNATURE"}"#
                    ).response()
                }
            } _: { port in
                let harness = Harness(port: port)
                let client = harness.client()
                let created = try await client.createUsersExport(
                    fields: [
                        ExportField(name: "user_id"), ExportField(name: "app_metadata.use_mfa", exportAs: "use_mfa"),
                    ],
                    connectionID: "con_1", limit: 1000)
                #expect(created.id == "job_abc")
                #expect(created.status == .pending)
                #expect(created.fields?.count == 2)

                let job = try await client.getJob(id: created.id)
                #expect(job.status == .completed)
                #expect(job.percentageDone == 100)
                let location = try #require(job.location)
                #expect(!"\(location)".contains("SIGNATURE"))

                let bytes: [UInt8] = try await client.download(location)
                #expect(bytes == gzipBytes)

                let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "mgmt-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let path = directory.appendingPathComponent("tenant.csv.gz").path
                let written = try await client.download(location, to: path)
                #expect(written == gzipBytes.count)
                #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == gzipBytes)
                #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
                try await harness.shutdown()

                let create = try #require(await apiLog.matching("POST", prefix: "/api/v2/jobs/users-exports").first)
                let sent = try JSONDecoder().decode(JSONValue.self, from: Data(create.body.utf8))
                #expect(
                    sent
                        == .object([
                            "connection_id": .string("con_1"), "format": .string("csv"), "limit": .number(1000),
                            "fields": .array([
                                .object(["name": .string("user_id")]),
                                .object(["name": .string("app_metadata.use_mfa"), "export_as": .string("use_mfa")]),
                            ]),
                        ]))
                let downloads = await fileLog.requests
                #expect(downloads.count == 2)
                #expect(downloads.allSatisfy { $0.header("authorization") == nil })
                #expect(!harness.logs.text.contains("SIGNATURE"))
            }
        }
    }

    @Test func insecureDownloadURLIsRefused() async throws {
        let harness = Harness(port: 9)
        let client = harness.client(tokens: TokenProvider(staticToken: BearerToken("t")))
        do throws(ManagementAPIError) {
            _ = try await client.download(SignedURL("http://exports.example.com/x.csv.gz?sig=1")) as [UInt8]
            Issue.record("expected insecureURL")
        } catch {
            guard case .insecureURL(let text) = error else {
                Issue.record("expected insecureURL, got \(error)")
                try await harness.shutdown()
                return
            }
            #expect(!text.contains("sig=1"))
        }
        try await harness.shutdown()
    }

    @Test func exportFieldLimitIsEnforced() async throws {
        let harness = Harness(port: 9)
        let client = harness.client(tokens: TokenProvider(staticToken: BearerToken("t")))
        let fields = (0..<31).map { ExportField(name: "f\($0)") }
        await #expect(throws: ManagementAPIError.self) { try await client.createUsersExport(fields: fields) }
        try await harness.shutdown()
    }

    @Test func enrollmentTicketAcceptsAny2xxAndNeverLogsTheURL() async throws {
        let log = RequestLog()
        let issuer = TokenIssuer()
        try await TestServer.with(log: log) { router in
            addTokenRoute(router, issuer: issuer)
            router.post("/api/v2/guardian/enrollments/ticket") { _, _ in
                Canned.json(
                    #"{"ticket_id":"tkt_123","ticket_url":"https://tenant.eu.auth0.com/mfa/enrollment?ticket=TICKETSECRET"}"#,
                    status: .created
                ).response()
            }
            router.get("/api/v2/users/:id/enrollments") { _, _ in
                Canned.json(
                    #"[{"id":"dev_1","status":"confirmed","type":"authenticator","name":"Pixel","enrolled_at":"2026-01-01T00:00:00.000Z"},{"id":"dev_2","status":"pending"}]"#
                ).response()
            }
        } _: { port in
            let harness = Harness(port: port)
            let attempts = AttemptLog()
            let client = harness.client(observer: { await attempts.append($0) })
            let ticket = try await client.createEnrollmentTicket(
                userID: "auth0|1", email: "jane@example.com", sendMail: false, factor: .otp,
                correlationID: "enroll-1")
            #expect(ticket.ticketID == "tkt_123")
            #expect(ticket.ticketURL.revealedValue.hasSuffix("ticket=TICKETSECRET"))
            #expect(!"\(ticket)".contains("TICKETSECRET"))

            let enrollments = try await client.getEnrollments(userID: "auth0|1")
            #expect(enrollments.map(\.id) == ["dev_1", "dev_2"])
            #expect(enrollments.map(\.isConfirmed) == [true, false])
            try await harness.shutdown()

            let sent = try #require(await log.matching("POST", prefix: "/api/v2/guardian/enrollments/ticket").first)
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(sent.body.utf8))
            #expect(
                body
                    == .object([
                        "user_id": .string("auth0|1"), "email": .string("jane@example.com"), "send_mail": .bool(false),
                        "factor": .string("otp"),
                    ]))
            #expect(await log.matching("GET", prefix: "/api/v2/users/auth0%7C1/enrollments").count == 1)
            #expect(!harness.logs.text.contains("TICKETSECRET"))
            #expect(!"\(await attempts.reports)".contains("TICKETSECRET"))
        }
    }

    @Test func sameOriginDownloadCarriesTheToken() async throws {
        let log = RequestLog()
        try await TestServer.with(log: log) { router in
            router.get("/__emulator/exports/job_1.csv.gz") { _, _ in
                Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "x")))
            }
        } _: { port in
            let harness = Harness(port: port)
            let client = harness.client(tokens: TokenProvider(staticToken: BearerToken("static-token")))
            let bytes: [UInt8] = try await client.download(
                SignedURL("http://127.0.0.1:\(port)/__emulator/exports/job_1.csv.gz"))
            try await harness.shutdown()
            #expect(bytes == Array("x".utf8))
            #expect(await log.requests.first?.header("authorization") == "Bearer static-token")
        }
    }
}
