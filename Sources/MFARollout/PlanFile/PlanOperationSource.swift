/// A plan as the commands that carry it out read it: its outline, and its operations one at a
/// time, in order.
///
/// A ``Plan`` in memory is one (`reconcile` plans and applies in one go); a ``PlanStream`` is
/// the other: a verified plan file whose operations are read from the file as they are needed,
/// so `apply`, `emit`, `undo` and `status` never hold a whole plan.
package protocol PlanOperationSource: Sendable {
    /// Everything but the operations (with their count).
    var outline: PlanOutline { get }
    /// How many operations turn MFA off (`disable`, `unset`).
    var operationsTurningMFAOff: Int { get }
    /// The operations from the first, one at a time.
    /// - Throws: ``PlanFileError`` when the plan file cannot be read again.
    func operationCursor() throws(PlanFileError) -> PlanOperationCursor
}

/// Walks a plan's operations in order: ``next()`` hands out each with its index.
package final class PlanOperationCursor {
    private enum Source {
        case memory(PlanOperations)
        case file(PlanLineReader, path: String)
    }

    private let source: Source
    /// The index of the operation ``next()`` returns.
    package private(set) var index = 0

    init(_ operations: PlanOperations) {
        source = .memory(operations)
    }

    init(reading reader: PlanLineReader, path: String) {
        source = .file(reader, path: path)
    }

    /// The next operation and its index; nil after the last.
    /// - Throws: ``PlanFileError/changedWhileRead(path:)`` when the file no longer holds what
    ///   was verified, ``PlanFileError/cannotRead(path:reason:)``.
    package func next() throws(PlanFileError) -> (index: Int, operation: PlanOperation)? {
        let operation: PlanOperation
        switch source {
        case .memory(let operations):
            guard index < operations.count else { return nil }
            operation = operations[index]
        case .file(let reader, let path):
            let line: PlanLineReader.Line?
            do {
                line = try reader.next()
            } catch {
                throw PlanStream.fileError(error, path: path)
            }
            guard let line else { return nil }
            guard let object = PlanStream.operationObject(line.bytes),
                let decoded = try? OperationLineDecoder.decode(object.bytes)
            else { throw .changedWhileRead(path: path) }
            operation = decoded
        }
        defer { index += 1 }
        return (index, operation)
    }

    /// Moves on to operation `target` (at or after the current one): ``next()`` returns it.
    package func skip(to target: Int) throws(PlanFileError) {
        while index < target {
            if case .file(let reader, let path) = source {
                // Lines skipped are not decoded.
                do {
                    guard try reader.next() != nil else { return }
                } catch {
                    throw PlanStream.fileError(error, path: path)
                }
                index += 1
            } else {
                guard try next() != nil else { return }
            }
        }
    }
}

extension Plan: PlanOperationSource {
    package var operationsTurningMFAOff: Int { operations.count { $0.action.turnsMFAOff } }

    package func operationCursor() -> PlanOperationCursor {
        PlanOperationCursor(operations)
    }
}
