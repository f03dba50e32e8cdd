import Foundation
import Testing

@testable import TenantEmulator

@Suite("Packed user table")
struct UserTableTests {
    @Test("Any JSON value comes back exactly as it was put")
    func roundTrip() {
        let value: JSONValue = [
            "n": .null, "t": true, "f": false, "zero": 0, "neg": -1, "max": .int(Int.max), "min": .int(Int.min),
            "d": .double(1.0), "d2": .double(-2.5e-300), "s": "", "u": "é 😀 \u{0} \"\\",
            "arr": [1, "x", [], [:], [[.null]]], "obj": ["nested": ["deeper": ["k": 1]]],
            "e\u{301}": "decomposed key",
        ]
        var table = UserTable()
        table.put(User(fields: ["user_id": "auth0|1", "v": value]))
        #expect(table.user(at: 0) == User(fields: ["user_id": "auth0|1", "v": value]))
    }

    @Test("Users keep insertion order; a put with a known id replaces in place")
    func order() {
        var table = UserTable()
        table.put(User(fields: ["user_id": "b", "n": 1]))
        table.put(User(fields: ["user_id": "a", "n": 2]))
        table.put(User(fields: ["user_id": "b", "n": 3]))
        #expect(table.count == 2)
        #expect(table.users(0..<2).map(\.id) == ["b", "a"])
        #expect(table.position(of: "b").map { table.user(at: $0) } == User(fields: ["user_id": "b", "n": 3]))
        #expect(table.position(of: "c") == nil)
        #expect(table.position(of: "") == nil)
    }

    @Test("A user without a string user_id is kept as it is, under the id \"\"")
    func oddID() {
        var table = UserTable()
        table.put(User(fields: ["user_id": 5, "x": 1]))
        table.put(User(fields: ["email": "a@b.c"]))
        #expect(table.count == 1)
        #expect(table.user(at: 0) == User(fields: ["email": "a@b.c"]))
        #expect(table.id(at: 0) == "")
    }

    @Test("Many users: every id is found after the id table grows, and records cross chunks")
    func many() {
        var table = UserTable()
        let big = String(repeating: "x", count: UserTable.chunkSize + 10)
        for index in 0..<20_000 {
            table.put(User(fields: ["user_id": .string("auth0|\(index)"), "i": .int(index)]))
            if index == 9_000 { table.put(User(fields: ["user_id": "big", "s": .string(big)])) }
        }
        #expect(table.count == 20_001)
        for index in stride(from: 0, to: 20_000, by: 7) {
            let position = table.position(of: "auth0|\(index)")
            #expect(position.map { table.user(at: $0).fields["i"] } == .int(index))
        }
        #expect(table.position(of: "big").map { table.user(at: $0).fields["s"] } == .string(big))
        #expect(table.id(at: 20_000) == "auth0|19999")
    }

    @Test("A copy is a snapshot: later puts do not change it")
    func snapshot() {
        var table = UserTable()
        table.put(User(fields: ["user_id": "a", "n": 1]))
        let snapshot = table
        table.put(User(fields: ["user_id": "a", "n": 2]))
        table.put(User(fields: ["user_id": "b"]))
        #expect(snapshot.count == 1)
        #expect(snapshot.user(at: 0) == User(fields: ["user_id": "a", "n": 1]))
        #expect(table.user(at: 0) == User(fields: ["user_id": "a", "n": 2]))
    }
}
