import CompressNIO
import NIOCore
import Testing

@testable import TenantEmulator

@Suite("Users-export jobs")
struct ExportJobTests {
    static let fields: JSONValue = [
        ["name": "user_id"],
        ["name": "email"],
        ["name": "name"],
        ["name": "created_at"],
        ["name": "logins_count"],
        ["name": "app_metadata.use_mfa", "export_as": "use_mfa"],
        ["name": "user_metadata.consent.given"],
        ["name": "identities[0].connection", "export_as": "connection"],
        ["name": "app_metadata"],
    ]

    static func gunzip(_ bytes: [UInt8]) throws -> String {
        var buffer = ByteBuffer(bytes: bytes)
        let plain = try buffer.decompress(with: .gzip())
        return String(buffer: plain)
    }

    /// Path and query of an absolute location on the emulator.
    static func localPath(_ location: String, base: String) throws -> String {
        try #require(location.hasPrefix(base + "/__downloads/"))
        return String(location.dropFirst(base.count))
    }

    @Test("pending → processing → completed, then a gzip CSV in Auth0's format")
    func lifecycle() async throws {
        let clock = ManualClock()
        try await withEmulator({
            $0.clock = clock
            $0.exportDelay = 9
        }) { h in
            let token = try await h.token()
            let created = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token, json: ["format": "csv", "fields": Self.fields])
            #expect(created.status == 201)
            #expect(created.json["type"] == "users_export")
            #expect(created.json["status"] == "pending")
            #expect(created.json["format"] == "csv")
            #expect(created.json["fields"] == Self.fields)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(id.hasPrefix("job_"))
            #expect(created.json["created_at"] == .string(Timestamp.iso8601(clock.now())))

            clock.advance(by: 4.5)
            let processing = try await h.send(.GET, "/api/v2/jobs/\(id)", token: token)
            #expect(processing.json["status"] == "processing")
            #expect(processing.json["percentage_done"] == 50)
            #expect(processing.json["time_left_seconds"] == 5)
            #expect(processing.json["location"] == nil)

            // A change before completion shows in the file.
            _ = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.samlID), token: token,
                json: ["app_metadata": ["use_mfa": true]])

            clock.advance(by: 4.5)
            let done = try await h.send(.GET, "/api/v2/jobs/\(id)", token: token)
            #expect(done.json["status"] == "completed")
            #expect(done.json["percentage_done"] == 100)
            let location = try #require(done.json["location"]?.stringValue)
            let download = try await h.send(.GET, try Self.localPath(location, base: h.emulator.baseURL))
            #expect(download.status == 200)
            #expect(Array(download.body.prefix(2)) == [0x1F, 0x8B])
            let csv = try Self.gunzip(download.body)
            let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(
                lines == [
                    #""user_id","email","name","created_at","logins_count","use_mfa","user_metadata.consent.given","connection","app_metadata""#,
                    #""'auth0|63d17c4bdf1ce171262c7e93","'ada@example.com","'Ada ""The Countess"" Lovelace","2025-01-02T03:04:05.000Z",7,false,true,"'Username-Password-Authentication","#,
                    #""'samlp|my-connection|jane@example.com","'jane@example.com",,,,true,,,"#,
                    #""'oidc|corp/okta|00u1","'=cmd|' /C calc'!A0",,,,,,,"#,
                    "",
                ])
        }
    }

    @Test("Each GET of a completed job gives a fresh link; links expire after their TTL")
    func linkExpiry() async throws {
        let clock = ManualClock()
        try await withEmulator({
            $0.clock = clock
            $0.exportDelay = 1
            $0.downloadLinkTTL = 60
        }) { h in
            let token = try await h.token()
            let created = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token, json: ["fields": [["name": "user_id"]]])
            let id = try #require(created.json["id"]?.stringValue)
            clock.advance(by: 1)
            let first = try #require(
                try await h.send(.GET, "/api/v2/jobs/\(id)", token: token).json["location"]?.stringValue)
            clock.advance(by: 59)
            let second = try #require(
                try await h.send(.GET, "/api/v2/jobs/\(id)", token: token).json["location"]?.stringValue)
            #expect(first != second)
            #expect(try await h.send(.GET, try Self.localPath(first, base: h.emulator.baseURL)).status == 200)
            clock.advance(by: 1)
            let expired = try await h.send(.GET, try Self.localPath(first, base: h.emulator.baseURL))
            #expect(expired.status == 403)
            #expect(expired.text.contains("Request has expired"))
            #expect(try await h.send(.GET, try Self.localPath(second, base: h.emulator.baseURL)).status == 200)
            let bogus = try await h.send(.GET, "/__downloads/\(id)/nope.csv.gz")
            #expect(bogus.status == 404)
            // Link tokens are credentials: the request log does not keep them.
            let downloads = await h.store.requests().filter { $0.path.hasPrefix("/__downloads/") }
            #expect(downloads.map(\.path) == Array(repeating: "/__downloads/\(id)/[redacted].csv.gz", count: 4))
            #expect(downloads.map(\.status) == [200, 403, 200, 404])
        }
    }

    @Test("The file reflects the users when the job completes, and honours limit")
    func snapshotAndLimit() async throws {
        let clock = ManualClock()
        try await withEmulator({
            $0.clock = clock
            $0.exportDelay = 1
        }) { h in
            let token = try await h.token()
            let created = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token, json: ["fields": [["name": "user_id"]], "limit": 2])
            #expect(created.json["limit"] == 2)
            let id = try #require(created.json["id"]?.stringValue)
            clock.advance(by: 1)
            let location = try #require(
                try await h.send(.GET, "/api/v2/jobs/\(id)", token: token).json["location"]?.stringValue)
            let csv = try Self.gunzip(
                try await h.send(.GET, try Self.localPath(location, base: h.emulator.baseURL)).body)
            #expect(
                csv == "\"user_id\"\n\"'auth0|63d17c4bdf1ce171262c7e93\"\n\"'samlp|my-connection|jane@example.com\"\n")
        }
    }

    @Test("More than 30 fields: 400")
    func tooManyFields() async throws {
        try await withEmulator { h in
            let fields = JSONValue.array((0..<31).map { ["name": .string("app_metadata.f\($0)")] })
            let answer = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: try await h.token(), json: ["fields": fields])
            #expect(answer.status == 400)
            #expect(answer.json["statusCode"] == 400)
            #expect(answer.json["errorCode"] == "invalid_body")
            let thirty = JSONValue.array((0..<30).map { ["name": .string("app_metadata.f\($0)")] })
            #expect(
                try await h.send(
                    .POST, "/api/v2/jobs/users-exports", token: try await h.token(), json: ["fields": thirty]
                ).status == 201)
        }
    }

    @Test("Unknown job: 404; exports need read:users")
    func errors() async throws {
        try await withEmulator({ $0.scopes = ["update:users"] }) { h in
            let token = try await h.token()
            let create = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token, json: ["fields": [["name": "user_id"]]])
            #expect(create.status == 403)
            #expect(create.json["errorCode"] == "insufficient_scope")
        }
        try await withEmulator { h in
            let missing = try await h.send(.GET, "/api/v2/jobs/job_nothing", token: try await h.token())
            #expect(missing.status == 404)
            #expect(missing.json["statusCode"] == 404)
        }
    }

    @Test("Without connection_id the answer still names a connection; with one, it is echoed")
    func connection() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let all = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token, json: ["fields": [["name": "user_id"]]])
            #expect(all.status == 201)
            #expect(all.json["connection"]?.stringValue != nil)
            #expect(all.json["connection_id"] == nil)
            let one = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token, json: ["connection_id": "con_0123456789abcDEF"])
            #expect(one.status == 201)
            #expect(one.json["connection_id"] == "con_0123456789abcDEF")
            #expect(one.json["connection"]?.stringValue != nil)
        }
    }

    @Test(
        "Bodies the spec refuses: 400 invalid_body",
        arguments: [
            ["connection_id": "con_1"] as JSONValue,
            ["connection_id": "Username-Password-Authentication"],
            ["fields": [["name": .string(String(repeating: "f", count: 101))]]],
            ["fields": [["name": "email", "export_as": .string(String(repeating: "e", count: 101))]]],
            ["fields": [["name": "email", "label": "Email"]]],
            ["fields": [["export_as": "email"]]],
            ["foo": 1],
            ["limit": 0],
            ["limit": .double(1.5)],
            ["format": "xml"],
        ])
    func refused(body: JSONValue) async throws {
        try await withEmulator { h in
            let answer = try await h.send(.POST, "/api/v2/jobs/users-exports", token: try await h.token(), json: body)
            #expect(answer.status == 400)
            #expect(answer.json["statusCode"] == 400)
            #expect(answer.json["errorCode"] == "invalid_body")
            #expect(answer.json["message"]?.stringValue?.hasPrefix("Payload validation error: ") == true)
        }
    }

    @Test("Auth0's messages for an unknown property and a connection_id off the pattern")
    func refusalMessages() async throws {
        try await withEmulator { h in
            let token = try await h.token()
            let unknown = try await h.send(.POST, "/api/v2/jobs/users-exports", token: token, json: ["foo": 1])
            #expect(unknown.json["message"] == "Payload validation error: 'Additional properties not allowed: foo'.")
            let pattern = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token, json: ["connection_id": "con_1"])
            #expect(
                pattern.json["message"]
                    == "Payload validation error: 'String does not match pattern ^con_[A-Za-z0-9]{16}$: con_1' on property connection_id."
            )
        }
    }

    @Test("format json: one object per user and line, keyed by export_as or name, whole objects kept")
    func jsonFormat() async throws {
        let clock = ManualClock()
        try await withEmulator({
            $0.clock = clock
            $0.exportDelay = 1
        }) { h in
            let token = try await h.token()
            let fields: JSONValue = [
                ["name": "user_id"], ["name": "app_metadata"],
                ["name": "app_metadata.use_mfa", "export_as": "use_mfa"],
            ]
            let created = try await h.send(
                .POST, "/api/v2/jobs/users-exports", token: token,
                json: ["format": "json", "fields": fields, "limit": 2])
            #expect(created.json["format"] == "json")
            let id = try #require(created.json["id"]?.stringValue)
            clock.advance(by: 1)
            let location = try #require(
                try await h.send(.GET, "/api/v2/jobs/\(id)", token: token).json["location"]?.stringValue)
            #expect(location.hasSuffix(".json.gz"))
            let text = try Self.gunzip(
                try await h.send(.GET, try Self.localPath(location, base: h.emulator.baseURL)).body)
            let lines = try text.split(separator: "\n").map { try JSONValue.decode(Array($0.utf8)) }
            #expect(
                lines == [
                    [
                        "user_id": .string(Fixtures.auth0ID),
                        "app_metadata": ["use_mfa": false, "roles": ["admin"], "team": "core"], "use_mfa": false,
                    ],
                    ["user_id": .string(Fixtures.samlID), "app_metadata": [:]],
                ])
        }
    }

    @Test("Cells: strings get the ', dates do not, objects and arrays are blank")
    func cells() {
        let user = Fixtures.users[0]
        #expect(ExportFile.cell(user, .init(name: "user_id")) == .string(Fixtures.auth0ID))
        #expect(ExportFile.cell(user, .init(name: "created_at")) == .date("2025-01-02T03:04:05.000Z"))
        #expect(ExportFile.cell(user, .init(name: "logins_count")) == .number("7"))
        #expect(ExportFile.cell(user, .init(name: "app_metadata.use_mfa")) == .bool(false))
        #expect(ExportFile.cell(user, .init(name: "app_metadata.roles")) == .empty)
        #expect(ExportFile.cell(user, .init(name: "app_metadata.roles[0]")) == .string("admin"))
        #expect(ExportFile.cell(user, .init(name: "identities")) == .empty)
        #expect(ExportFile.cell(user, .init(name: "nothing.here")) == .empty)
    }
}
