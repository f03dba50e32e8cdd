import Foundation
import Testing

@testable import TenantEmulator

@Suite("Seeding: generator, CSV rows, state file")
struct SeedingTests {
    @Test("The generator is deterministic per seed and mixes id shapes")
    func generator() {
        let users = UserGenerator(seed: 42).users(count: 200)
        #expect(users == UserGenerator(seed: 42).users(count: 200))
        #expect(users != UserGenerator(seed: 43).users(count: 200))
        #expect(Set(users.map(\.id)).count == 200)
        #expect(users.contains { $0.id.hasPrefix("samlp|") && $0.id.contains("@") })
        #expect(users.contains { $0.id.contains("/") })
        #expect(users.contains { $0.appMetadata["use_mfa"] == true })
        #expect(users.contains { $0.appMetadata["use_mfa"] == false })
        #expect(users.contains { $0.appMetadata["use_mfa"] == nil })
        #expect(users.allSatisfy { $0.value(atPath: "identities[0].connection")?.stringValue != nil })
    }

    @Test("CSV columns map into nested metadata, identities and typed values")
    func rowMapping() {
        let columns = [
            "user_id", "email", "email_verified", "logins_count", "app_metadata.use_mfa", "app_metadata.team",
            "user_metadata.consent.given", "identities[0].connection", "name", "missing",
        ]
        let values: [String?] = [
            "auth0|1", "a@b.com", "true", "12", "false", "core", "true", "Username-Password-Authentication", "123", nil,
        ]
        let user = UserSeed.user(columns: columns, values: values)
        #expect(
            user?.fields == [
                "user_id": "auth0|1",
                "email": "a@b.com",
                "email_verified": true,
                "logins_count": 12,
                "app_metadata": ["use_mfa": false, "team": "core"],
                "user_metadata": ["consent": ["given": true]],
                "identities": [["connection": "Username-Password-Authentication"]],
                "name": "123",
            ])
        #expect(UserSeed.user(columns: ["email"], values: ["x@y.z"]) == nil)
        #expect(
            UserSeed.user(columns: ["user_id", "app_metadata.use_mfa"], values: ["auth0|2", ""])?.fields == [
                "user_id": "auth0|2"
            ])
    }

    @Test("--state saves the users on stop and loads them on the next start")
    func stateFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emulator-state-\(UUID().uuidString).json"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withEmulator({ $0.stateFile = path }) { h in
            _ = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.samlID), token: try await h.token(),
                json: ["app_metadata": ["use_mfa": true]])
        }
        #expect(FileManager.default.fileExists(atPath: path))
        try await withEmulator(users: [], { $0.stateFile = path }) { h in
            let users = await h.store.allUsers()
            #expect(users.map(\.id) == Fixtures.users.map(\.id))
            #expect(users[1].appMetadata == ["use_mfa": true])
        }
    }

    @Test("A state file that is not a user array is refused with its path")
    func badStateFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emulator-bad-\(UUID().uuidString).json"
        ).path
        try Data("{\"nope\":1}".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = EmulatorConfiguration()
        configuration.stateFile = path
        #expect {
            try EmulatorServer(configuration: configuration)
        } throws: { error in
            guard case EmulatorError.unreadableState(let where_, _) = error else { return false }
            return where_ == path
        }
    }

    @Test("Two servers on port 0 get different ports")
    func portZero() async throws {
        try await withEmulator { first in
            try await withEmulator { second in
                #expect(first.emulator.port != second.emulator.port)
                #expect(first.emulator.port > 0)
            }
        }
    }
}

@Suite("Export header")
struct ExportHeaderTests {
    @Test("Quoted, plain, BOM and doubled quotes")
    func parse() {
        #expect(
            ExportHeader.parseRecord(Array(#""user_id","app_metadata.use_mfa",plain,"a""b""#.utf8) + [0x0A, 0x41]) == [
                "user_id", "app_metadata.use_mfa", "plain", "a\"b",
            ])
        #expect(ExportHeader.parseRecord(Array("\"multi\nline\",x\r\n".utf8)) == ["multi\nline", "x"])
    }

    @Test("A gzip file's header is read through the compression")
    func gzipHeader() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("header-\(UUID().uuidString).csv.gz")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let users = [User(fields: ["user_id": "auth0|1", "email": "a@b.c"])]
        let bytes = try ExportFile.gzip(
            users: users, fields: [.init(name: "user_id"), .init(name: "email", exportAs: "mail")])
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try ExportHeader.columns(ofFile: path) == ["user_id", "mail"])
    }

    @Test("A missing file is reported with its path")
    func missing() {
        #expect(throws: EmulatorError.unreadableExport(path: "/nonexistent/x.csv", reason: "cannot open the file")) {
            try ExportHeader.columns(ofFile: "/nonexistent/x.csv")
        }
    }
}

@Suite("Starting and stopping")
struct LifecycleTests {
    @Test("EmulatorServer.run reports its port, serves, and stops (saving state) when its task is cancelled")
    func runAndCancel() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "emulator-cancel-\(UUID().uuidString).json"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = EmulatorConfiguration()
        configuration.port = 0
        configuration.seed = .generated(count: 3, seed: 9)
        configuration.stateFile = path
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await EmulatorServer.run(configuration: configuration) { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let harness = Harness(emulator: RunningEmulator(host: "127.0.0.1", port: port, store: TenantStore()))
        let answer = try await harness.send(.GET, "/__emulator/users")
        #expect(answer.json.arrayValue?.count == 3)
        task.cancel()
        try await task.value
        #expect(try TenantStore.loadUsers(from: path) == UserGenerator(seed: 9).users(count: 3))
    }
}
