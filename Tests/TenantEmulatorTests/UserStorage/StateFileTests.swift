import Foundation
import Testing

@testable import TenantEmulator

@Suite("State file read user by user")
struct StateFileTests {
    static func users(_ text: String) throws -> [User] {
        var users: [User] = []
        try StateFile.forEachUser(in: Array(text.utf8)) { users.append($0) }
        return users
    }

    @Test("The same users as decoding the whole array, awkward strings included")
    func sameAsWholeArray() async throws {
        var users = UserGenerator(seed: 3).users(count: 50)
        users.append(
            User(fields: [
                "user_id": "auth0|\"[{,}]\\", "name": "a]b}c,d\"", "app_metadata": ["x": [1, [2, ["y": "]"]]]],
            ]))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await TenantStore(users: users).save(to: path)
        var read: [User] = []
        try StateFile.forEachUser(inFile: path) { read.append($0) }
        #expect(read == users)
        #expect(read == (try TenantStore.loadUsers(from: path)))
        #expect(try Self.users(" [ ] ") == [])
        #expect(try Self.users("[ {\"user_id\":\"a\"} ,\n{\"user_id\":\"b\"}]").map(\.id) == ["a", "b"])
    }

    @Test(
        "Anything but an array of user objects is refused",
        arguments: [
            "", "{\"nope\":1}", "[", "[{\"user_id\":\"a\"}", "[{\"user_id\":\"a\"} {}]", "[1]",
            "[{\"user_id\":\"a\"}] x",
            "[{\"user_id\":\"a\"},]", "[\"unterminated]",
        ])
    func refused(text: String) {
        #expect(throws: (any Error).self) { try Self.users(text) }
    }
}
