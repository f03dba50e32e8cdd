import Foundation
import MFARollout
import ManagementAPI

/// One plan operation as the exact HTTP request `apply` would send for it.
package struct EmittedRequest: Sendable, Hashable {
    /// Always `PATCH`.
    package var method: String
    /// `/api/v2/users/{id}` with the id percent-encoded as one segment (`|` → `%7C`, `/` → `%2F`).
    package var path: String
    /// The JSON body: only the key the tool owns, `{"app_metadata":{"use_mfa":true}}`.
    package var body: String
    /// The body as a value, for formats that embed it as JSON.
    package var bodyValue: [String: [String: JSONValue]]
    /// Sent as `X-Correlation-ID`: the operation id.
    package var correlationID: String
    package var operationID: String
    package var userID: String
    package var action: PlanAction

    /// The request for an operation `check` accepted.
    init(checked operation: PlanOperation, bodies: Bodies) {
        let body = bodies[operation.desired]
        method = "PATCH"
        path = "/api/v2/users/" + PathEncoding.encodeSegment(operation.userID)
        self.body = body.text
        bodyValue = body.value
        correlationID = operation.id
        operationID = operation.id
        userID = operation.userID
        action = operation.action
    }

    /// Refuses an operation the planner would not have made: its id must derive from the flag,
    /// user id and action, and its desired value follow from the action. (The id becomes a
    /// header value and a shell word; it must be exactly what `OperationID` makes.)
    static func check(_ operation: PlanOperation, index: Int, flag: Plan.FlagTarget) throws(EmitError) {
        let expectedID = OperationID.make(
            flagLocation: flag.location, userID: operation.userID, action: operation.action)
        guard operation.id == expectedID else {
            throw .invalidOperation(
                index: index, operationID: operation.id,
                reason: "the id does not derive from the flag, user id and action (expected \(expectedID))")
        }
        guard operation.desired == operation.action.desired else {
            throw .invalidOperation(
                index: index, operationID: operation.id,
                reason:
                    "desired value \(operation.desired) does not follow from the action \(operation.action.rawValue)")
        }
    }

    /// The three bodies a flag's requests can carry (set true, set false, delete), made once:
    /// every request with the same desired value sends the same body.
    struct Bodies: Sendable {
        private let on: (text: String, value: [String: [String: JSONValue]])
        private let off: (text: String, value: [String: [String: JSONValue]])
        private let absent: (text: String, value: [String: [String: JSONValue]])

        init(flag: Plan.FlagTarget) throws(EmitError) {
            guard let container = MetadataContainer(rawValue: flag.container) else {
                throw .invalidFlag(
                    location: flag.location, reason: "the container must be app_metadata or user_metadata")
            }
            func body(_ value: Bool?) throws(EmitError) -> (text: String, value: [String: [String: JSONValue]]) {
                let patch: FlagPatch
                do {
                    patch = try FlagPatch(container: container, key: flag.key, value: value)
                } catch {
                    throw .invalidFlag(location: flag.location, reason: "\(error)")
                }
                return (
                    String(decoding: patch.jsonBody(), as: UTF8.self), [container.rawValue: [flag.key: patch.jsonValue]]
                )
            }
            on = try body(true)
            off = try body(false)
            absent = try body(nil)
        }

        subscript(desired: FlagValue) -> (text: String, value: [String: [String: JSONValue]]) {
            switch desired {
            case .on: on
            case .off: off
            case .absent: absent
            case .other: preconditionFailure("no operation writes a non-boolean value (plans are checked when read)")
            }
        }
    }
}

/// A plan's operations as requests, each made when it is asked for, from the operation read
/// from the plan then: a large plan's requests, or operations, are never all in memory. Every
/// operation is checked when this is made (one pass over the plan), so nothing is written for a
/// plan with a bad operation anywhere in it.
package struct EmittedRequests: Sequence, Sendable {
    private let source: any PlanOperationSource
    private let bodies: EmittedRequest.Bodies?
    /// How many requests (the plan's operations).
    package let count: Int

    /// Checks every operation of `plan`; refuses a plan whose guards tripped.
    package init(_ plan: some PlanOperationSource) throws(EmitError) {
        let outline = plan.outline
        guard outline.applicable, outline.outcome != .guardTripped, !outline.guards.contains(where: \.tripped) else {
            throw .planNotApplicable(tripped: outline.guards.filter(\.tripped).map(\.explanation))
        }
        source = plan
        count = outline.operationCount
        guard count > 0 else {
            bodies = nil
            return
        }
        bodies = try EmittedRequest.Bodies(flag: outline.flag)
        do {
            let cursor = try plan.operationCursor()
            while let (index, operation) = try cursor.next() {
                try EmittedRequest.check(operation, index: index, flag: outline.flag)
            }
        } catch let error as EmitError {
            throw error
        } catch let error as PlanFileError {
            throw .planUnreadable(error)
        } catch {
            throw .planUnreadable(.malformed(path: "the plan", reason: "\(error)"))
        }
    }

    package var isEmpty: Bool { count == 0 }

    package func makeIterator() -> Batch.Iterator {
        batch(0..<count).makeIterator()
    }

    /// The requests of operations `range`, read from the plan when iterated.
    func batch(_ range: Range<Int>) -> Batch {
        Batch(source: source, bodies: bodies, range: range)
    }

    /// Requests for a range of the plan's operations, read in order each time they are iterated.
    /// A plan that cannot be read again (it changed on disk) ends the iteration early and
    /// leaves the reason in ``failure``.
    package struct Batch: Sequence, Sendable {
        let source: any PlanOperationSource
        let bodies: EmittedRequest.Bodies?
        let range: Range<Int>
        let failure = ReadFailure()

        var count: Int { range.count }

        package func makeIterator() -> Iterator {
            Iterator(batch: self)
        }

        package struct Iterator: IteratorProtocol {
            let batch: Batch
            var cursor: PlanOperationCursor?

            package mutating func next() -> EmittedRequest? {
                guard let bodies = batch.bodies else { return nil }
                do {
                    if cursor == nil {
                        let opened = try batch.source.operationCursor()
                        try opened.skip(to: batch.range.lowerBound)
                        cursor = opened
                    }
                    guard let cursor, cursor.index < batch.range.upperBound,
                        let (_, operation) = try cursor.next()
                    else { return nil }
                    return EmittedRequest(checked: operation, bodies: bodies)
                } catch {
                    batch.failure.record(error)
                    return nil
                }
            }
        }
    }

    /// The first error met while iterating a batch.
    package final class ReadFailure: @unchecked Sendable {
        private let lock = NSLock()
        private var first: PlanFileError?

        func record(_ error: PlanFileError) {
            lock.withLock { if first == nil { first = error } }
        }

        var error: PlanFileError? { lock.withLock { first } }
    }
}
