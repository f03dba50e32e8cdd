import Foundation
import MFARollout
import Testing

@testable import TenantEmulator

@Suite("Export files read back through MFARollout's ExportReader")
struct ExportRoundTripTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    static func read(_ path: String, columns: [String]) throws -> [[String?]] {
        var rows: [[String?]] = []
        _ = try ExportReader(sources: [.file(path)], dialect: CSVDialect(), userIDColumn: "user_id")
            .read(columns: columns, required: ["user_id"], onRejected: nil) { rows.append($0.values) }
        return rows
    }

    @Test("A downloaded export reads back to the tenant's values: quotes, ', formula-like strings, dates, booleans")
    func downloadReadsBack() async throws {
        let clock = ManualClock()
        let path = Self.temporaryPath("export.csv.gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withEmulator({
            $0.clock = clock
            $0.exportDelay = 1
        }) { h in
            let token = try await h.token()
            let fields: JSONValue = [
                ["name": "user_id"], ["name": "email"], ["name": "name"], ["name": "created_at"],
                ["name": "app_metadata.use_mfa", "export_as": "use_mfa"], ["name": "identities[0].connection"],
            ]
            let created = try await h.send(.POST, "/api/v2/jobs/users-exports", token: token, json: ["fields": fields])
            let id = try #require(created.json["id"]?.stringValue)
            clock.advance(by: 1)
            let location = try #require(
                try await h.send(.GET, "/api/v2/jobs/\(id)", token: token).json["location"]?.stringValue)
            let file = try await h.send(.GET, String(location.dropFirst(h.emulator.baseURL.count)))
            try Data(file.body).write(to: URL(fileURLWithPath: path))
        }
        let rows = try Self.read(
            path, columns: ["user_id", "email", "name", "created_at", "use_mfa", "identities[0].connection"])
        #expect(
            rows == [
                [
                    Fixtures.auth0ID, "ada@example.com", "Ada \"The Countess\" Lovelace", "2025-01-02T03:04:05.000Z",
                    "false", "Username-Password-Authentication",
                ],
                [Fixtures.samlID, "jane@example.com", "", "", "", ""],
                [Fixtures.slashID, "=cmd|' /C calc'!A0", "", "", "", ""],
            ])
    }

    @Test("An emulator seeded from an Auth0-format CSV serves those users")
    func seedFromCSV() async throws {
        let path = Self.temporaryPath("users.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let csv = """
            "user_id","email","email_verified","name","identities[0].connection","created_at","logins_count","app_metadata.use_mfa","user_metadata.consent.given","use_mfa"
            "'auth0|37dfe702393e0fa6c8bbc2a2","'dmitri@example.org",true,"'Dmitri ""D"" Nguyen","'Username-Password-Authentication","2023-09-05T04:24:35.000Z",37,true,false,
            "'samlp|acme|lena@acme.example","'lena@acme.example",false,"'Lena","'acme","2023-09-24T00:26:55.000Z",18,,,

            """
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        var configuration = EmulatorConfiguration()
        configuration.seed = .exportFile(path: path)
        let server = try EmulatorServer(configuration: configuration)
        let users = await server.store.allUsers()
        #expect(
            users.map(\.fields) == [
                [
                    "user_id": "auth0|37dfe702393e0fa6c8bbc2a2", "email": "dmitri@example.org", "email_verified": true,
                    "name": "Dmitri \"D\" Nguyen", "identities": [["connection": "Username-Password-Authentication"]],
                    "created_at": "2023-09-05T04:24:35.000Z", "logins_count": 37,
                    "app_metadata": ["use_mfa": true], "user_metadata": ["consent": ["given": false]],
                ],
                [
                    "user_id": "samlp|acme|lena@acme.example", "email": "lena@acme.example", "email_verified": false,
                    "name": "Lena", "identities": [["connection": "acme"]], "created_at": "2023-09-24T00:26:55.000Z",
                    "logins_count": 18,
                ],
            ])
    }

    @Test("A seed CSV without user_id, or a broken one, is refused with its path")
    func badSeed() throws {
        let path = Self.temporaryPath("bad.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("\"email\"\n\"'a@b.c\"\n".utf8).write(to: URL(fileURLWithPath: path))
        var configuration = EmulatorConfiguration()
        configuration.seed = .exportFile(path: path)
        #expect(throws: EmulatorError.unreadableExport(path: path, reason: "no user_id column")) {
            try EmulatorServer(configuration: configuration)
        }
        try Data("\"user_id\",\"email\"\n\"'a\",\"x\",\"extra\"\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try EmulatorServer(configuration: configuration)
        } throws: { error in
            guard case EmulatorError.unreadableExport(let where_, let reason) = error else { return false }
            return where_ == path && reason.contains("2")
        }
    }

    @Test("Export, then seed a new tenant from the file: the exported fields survive")
    func roundTrip() async throws {
        let generated = UserGenerator(seed: 5).users(count: 40)
        let fields: [ExportFile.Field] = [
            "user_id", "email", "email_verified", "name", "created_at", "logins_count",
            "app_metadata.use_mfa", "app_metadata.department", "identities[0].connection",
        ].map { .init(name: $0) }
        let path = Self.temporaryPath("round.csv.gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(try ExportFile.gzip(users: generated, fields: fields)).write(to: URL(fileURLWithPath: path))
        let seeded = try UserSeed.users(fromExport: path)
        #expect(seeded.count == generated.count)
        for (original, copy) in zip(generated, seeded) {
            for field in fields {
                #expect(
                    copy.value(atPath: field.name) == original.value(atPath: field.name), "\(original.id) \(field.name)"
                )
            }
        }
    }
}
