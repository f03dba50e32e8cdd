import Foundation
import MFARollout
import ManagementAPI

/// One plan operation as the exact HTTP request `apply` would send for it.
package struct EmittedRequest: Sendable, Hashable {
    /// Always `PATCH`.
    package var method: String
    /// `/api/v2/users/{id}` with the id percent-encoded as one segment (`|` → `%7C`, `/` → `%2F`).
    package var path: String
    /// The JSON body: only the keys the tool owns, the flag and (when the plan has one) its
    /// source key: `{"app_metadata":{"use_mfa":true,"use_mfa_source":"mfa-rollout"}}`.
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
        let body = bodies[operation]
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

    /// The bodies most requests carry (set true, set false, delete; with a source key, the
    /// marker written with true and deleted with false or delete), made once; any other source
    /// value (an undo restoring one) is encoded for its request.
    struct Bodies: Sendable {
        typealias Body = (text: String, value: [String: [String: JSONValue]])
        private let flag: Plan.FlagTarget
        /// By desired value (true, false, absent), with the source as the planner writes it.
        private let common: [Body]

        init(flag: Plan.FlagTarget) throws(EmitError) {
            self.flag = flag
            let marker = flag.source?.value
            common = [
                try Self.body(
                    .on, source: flag.source == nil ? nil : SourceChange(current: nil, desired: marker), flag),
                try Self.body(.off, source: flag.source == nil ? nil : SourceChange(current: nil, desired: nil), flag),
                try Self.body(
                    .absent, source: flag.source == nil ? nil : SourceChange(current: nil, desired: nil), flag),
            ]
        }

        private static func body(_ desired: FlagValue, source: SourceChange?, _ flag: Plan.FlagTarget) throws(EmitError)
            -> Body
        {
            let patch: FlagPatch
            do {
                patch = try OperationPatch.make(desired: desired, source: source, flag: flag)
            } catch {
                throw .invalidFlag(location: flag.location, reason: "\(error)")
            }
            return (String(decoding: patch.jsonBody(), as: UTF8.self), patch.jsonObject)
        }

        subscript(operation: PlanOperation) -> Body {
            let index: Int
            switch operation.desired {
            case .on: index = 0
            case .off: index = 1
            case .absent: index = 2
            case .other: preconditionFailure("no operation writes a non-boolean value (plans are checked when read)")
            }
            guard let target = flag.source, let source = operation.source else { return common[index] }
            let expected = operation.desired == .on ? target.value : nil
            if source.desired == expected { return common[index] }
            do {
                return try Self.body(operation.desired, source: source, flag)
            } catch {
                // `init` made bodies with these keys: only the value differs, and any string is valid.
                preconditionFailure("a source body failed after its keys were checked: \(error)")
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
