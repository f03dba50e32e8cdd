import Foundation
import Testing

@testable import MFARollout

@Suite("plan operations: the compact store")
struct PlanOperationsTests {
    /// Operations that differ in every field the store keeps, including the ones it could
    /// confuse: no email and an empty email, no connection and an empty connection, a
    /// `desired` that is not the action's, unusual bytes.
    static let varied: [PlanOperation] = {
        var operations = [
            PlanFileTests.operation("auth0|1", email: "a@x.com"),
            PlanFileTests.operation("auth0|2", .disable, email: ""),
            PlanFileTests.operation("auth0|new\nline \"q\" ünï-😀"),
            PlanOperation(
                id: "custom", userID: "", action: .unset, current: .off, reason: "undo",
                email: nil, connection: nil, file: "b.csv", line: .max),
            PlanOperation(
                id: "", userID: "x", action: .enable, current: .on, reason: "",
                email: "e", connection: "", file: "", line: 0),
        ]
        operations[1].desired = .absent
        return operations
    }()

    @Test("every operation reads back exactly as it was stored")
    func readsBack() {
        let stored = PlanOperations(Self.varied)
        #expect(stored.count == Self.varied.count)
        #expect(Array(stored) == Self.varied)
        #expect(stored[1].email == "" && stored[3].email == nil)
        #expect(stored[4].connection == "" && stored[3].connection == nil)
        #expect(stored[1].desired == .absent)
    }

    @Test("reasons, connections and files beyond the scanned few are still told apart")
    func manyTableStrings() {
        let operations = (0..<100).map { index in
            PlanOperation(
                id: "id\(index)", userID: "auth0|\(index)", action: .enable, current: .off,
                reason: "rule \(index % 40)", email: nil, connection: "conn-\(index % 70)",
                file: "users-\(index % 3).csv", line: index)
        }
        #expect(Array(PlanOperations(operations)) == operations)
    }

    @Test("JSON, equality and the fingerprint are those of the operations as an array")
    func sameAsArray() throws {
        let stored = PlanOperations(Self.varied)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(stored) == encoder.encode(Self.varied))
        #expect(try JSONDecoder().decode(PlanOperations.self, from: encoder.encode(Self.varied)) == stored)
        #expect(stored == PlanOperations(Self.varied))
        #expect(stored != PlanOperations(Self.varied.dropLast()))
        #expect(stored.hashValue == PlanOperations(Self.varied).hashValue)
        #expect(PlanOperations() == [] && PlanOperations().isEmpty)
    }

    @Test("an operation's JSON from its bytes decodes to the operation")
    func fieldsJSON() throws {
        let stored = PlanOperations(Self.varied)
        for index in stored.indices {
            var bytes: [UInt8] = []
            stored.fields(at: index).appendJSON(to: &bytes)
            #expect(try JSONDecoder().decode(PlanOperation.self, from: Data(bytes)) == Self.varied[index])
        }
    }

    @Test("operation ids written as bytes are the ids made as strings")
    func idBytes() {
        for userID in ["auth0|1", "", "ünï|😀", String(repeating: "x", count: 300)] {
            let flag = Array("user_metadata.mfa".utf8)
            var id = [UInt8](repeating: 0, count: OperationID.length)
            let user = Array(userID.utf8)
            flag.withUnsafeBufferPointer { flag in
                user.withUnsafeBufferPointer { user in
                    OperationID.write(flagLocation: flag, userID: user, action: .disable, to: &id)
                }
            }
            #expect(
                String(decoding: id, as: UTF8.self)
                    == OperationID.make(flagLocation: "user_metadata.mfa", userID: userID, action: .disable))
        }
    }
}
