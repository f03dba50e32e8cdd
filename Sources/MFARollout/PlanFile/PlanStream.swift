import Foundation

/// A plan file opened for reading as it was written: in one pass, through a fixed buffer.
///
/// ``open(path:checkingOperations:)`` reads the file once from end to end: the heading
/// (format, version), the fingerprint line, SHA-256 over every byte before it, and every
/// operation line (decoded and checked, unless only the count is wanted); it keeps the
/// outline, the number of operations and the number that turn MFA off, and nothing of the
/// operations. It refuses everything ``PlanFile/read(from:)`` refuses. ``operationCursor()``
/// then reads the operations again, one at a time, from the same open file; a file whose size
/// or modification time changed since it was verified is refused
/// (``PlanFileError/changedWhileRead(path:)``), so what is carried out is what was verified.
///
/// The reader walks the layout ``PlanFile`` writes (one operation a line). A file that is a
/// valid plan laid out otherwise (reformatted by hand) is refused; a small one gets the
/// whole-file reader's reason when it has one.
package final class PlanStream: PlanOperationSource, @unchecked Sendable {
    package let path: String
    package let outline: PlanOutline
    package let operationsTurningMFAOff: Int
    private let descriptor: Int32
    private let identity: POSIX.FileStatus
    /// The file offsets of the first operation line and of the line closing `operations`.
    private let operationsStart: Int
    private let operationsEnd: Int

    private init(
        path: String, outline: PlanOutline, turningOff: Int, descriptor: Int32, identity: POSIX.FileStatus,
        operations: Range<Int>
    ) {
        self.path = path
        self.outline = outline
        operationsTurningMFAOff = turningOff
        self.descriptor = descriptor
        self.identity = identity
        operationsStart = operations.lowerBound
        operationsEnd = operations.upperBound
    }

    deinit {
        POSIX.closeFile(descriptor)
    }

    /// The largest file whose layout problems are explained by the whole-file reader.
    static let explainLimit = 64 * 1024 * 1024

    /// Opens and verifies the plan at `path`: format, version, fingerprint over the whole file,
    /// and (with `checkingOperations`) every operation decoded and checked as
    /// ``PlanFile/read(from:)`` checks it. Without it, operation lines are counted, not
    /// decoded (`status`, which only counts them).
    package static func open(path: String, checkingOperations: Bool = true) throws(PlanFileError) -> PlanStream {
        guard POSIX.status(ofPath: path) != nil else { throw .noSuchFile(path: path) }
        let descriptor: Int32
        do {
            descriptor = try POSIX.openFile(path, POSIX.readOnly)
        } catch {
            throw .cannotRead(path: path, reason: error.message)
        }
        do {
            return try verify(path: path, descriptor: descriptor, checkingOperations: checkingOperations)
        } catch {
            POSIX.closeFile(descriptor)
            throw error
        }
    }

    package func operationCursor() throws(PlanFileError) -> PlanOperationCursor {
        PlanOperationCursor(
            reading: PlanLineReader(
                descriptor: descriptor, from: operationsStart, to: operationsEnd, identity: identity),
            path: path)
    }

    // MARK: Verifying

    /// The layout's fixed lines.
    private static let operationsOpening = Array("  \"operations\" : [".utf8)
    private static let emptyOperations = Array("  \"operations\" : [],".utf8)
    private static let operationsClosing = Array("  ],".utf8)
    private static let rejectedOpening = Array("  \"rejected\" : [".utf8)
    /// The heading is a few hundred bytes; anything this long is not a plan's heading.
    private static let longestHeading = 1024 * 1024

    private enum Phase {
        case heading, operations, tail
    }

    private static func verify(path: String, descriptor: Int32, checkingOperations: Bool) throws(PlanFileError)
        -> PlanStream
    {
        let identity: POSIX.FileStatus
        do {
            identity = try POSIX.status(descriptor)
        } catch {
            throw .cannotRead(path: path, reason: error.message)
        }
        // The fingerprint line, read first: it says where the covered bytes end.
        var trailer = [UInt8](repeating: 0, count: Fingerprint.trailerLength)
        let trailerStart = identity.size - Fingerprint.trailerLength
        var recorded: (coveredCount: Int, fingerprint: String)?
        if trailerStart >= 0 {
            let count = trailer.withUnsafeMutableBytes { try? POSIX.readBytes(descriptor, into: $0, at: trailerStart) }
            if count == trailer.count {
                recorded = trailer.withUnsafeBytes { Fingerprint.recorded(in: $0) }.map {
                    (trailerStart + $0.coveredCount, $0.fingerprint)
                }
            }
        }

        let reader = PlanLineReader(
            descriptor: descriptor, from: 0, to: recorded?.coveredCount ?? identity.size, identity: identity)
        reader.hasher = Fingerprint.Hasher()
        var phase = Phase.heading
        var heading: [UInt8] = []
        var tail: [UInt8] = []
        var operationCount = 0
        var turningOff = 0
        var operations = 0..<0
        var previousHadComma = false
        // The first bad operation, reported once the fingerprint is known to match (as
        // `PlanFile.read` checks the fingerprint before it decodes the operations).
        var operationError: String?
        func layout(_ reason: String) throws(PlanFileError) -> Never {
            try explain(path: path, size: identity.size, reason: reason)
        }

        while true {
            let line: PlanLineReader.Line?
            do {
                line = try reader.next()
            } catch {
                throw fileError(error, path: path)
            }
            guard let line else { break }
            switch phase {
            case .heading:
                if line.bytes.elementsEqual(operationsOpening) || line.bytes.elementsEqual(emptyOperations) {
                    try checkEnvelope(heading, path: path, size: identity.size)
                    guard recorded != nil else { throw .noFingerprintLine(path: path) }
                    if line.bytes.count == emptyOperations.count {
                        phase = .tail
                        operations = reader.position..<reader.position
                    } else {
                        phase = .operations
                        operations = reader.position..<reader.position
                    }
                } else {
                    heading.append(contentsOf: line.bytes)
                    heading.append(UInt8(ascii: "\n"))
                    if heading.count > longestHeading { try layout("no \"operations\" near its start") }
                }
            case .operations:
                if line.bytes.elementsEqual(operationsClosing) {
                    guard operationCount > 0, !previousHadComma else {
                        try layout("the \"operations\" list does not close as written")
                    }
                    operations = operations.lowerBound..<line.offset
                    phase = .tail
                    continue
                }
                guard operationCount == 0 || previousHadComma, let object = operationObject(line.bytes) else {
                    try layout("operations[\(operationCount)] is not on a line of its own")
                }
                previousHadComma = object.comma
                if checkingOperations, operationError == nil {
                    do {
                        let operation = try OperationLineDecoder.decode(object.bytes)
                        if operation.desired != operation.action.desired {
                            operationError = "operations[\(operationCount)]: \"desired\" is not what its action writes"
                        }
                        if operation.action.turnsMFAOff { turningOff += 1 }
                    } catch let error as DecodingError {
                        operationError = "operations[\(operationCount)]" + error.readableWithin
                    } catch {
                        operationError = "operations[\(operationCount)]: \(error)"
                    }
                }
                if !checkingOperations, turnsMFAOff(object.bytes) { turningOff += 1 }
                operationCount += 1
            case .tail:
                if tail.isEmpty, !line.bytes.starts(with: rejectedOpening) {
                    try layout("\"rejected\" does not follow the operations")
                }
                tail.append(contentsOf: line.bytes)
                tail.append(UInt8(ascii: "\n"))
            }
        }
        guard phase == .tail else {
            if phase == .heading { try checkEnvelope(heading, path: path, size: identity.size) }
            guard recorded != nil else { throw .noFingerprintLine(path: path) }
            try layout("it ends inside its operations")
        }
        guard let recorded else { throw .noFingerprintLine(path: path) }
        let computed = reader.hasher!.finalize()
        guard computed == recorded.fingerprint else {
            throw .fingerprintMismatch(path: path, recorded: recorded.fingerprint, computed: computed)
        }
        if let operationError { throw .malformed(path: path, reason: operationError) }

        // The outline: the heading and what follows the operations, with the fingerprint line.
        let document = heading + tail + trailer
        var outline: PlanOutline
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            outline = try decoder.decode(PlanOutline.self, from: Data(document))
            guard try !decoder.decode(KeyProbe.self, from: Data(document)).hasOperations else {
                throw PlanFileError.malformed(path: path, reason: "the plan has more than one \"operations\" field")
            }
        } catch let error as PlanFileError {
            throw error
        } catch let error as DecodingError {
            throw .malformed(path: path, reason: error.readable)
        } catch {
            throw .malformed(path: path, reason: "\(error)")
        }
        guard outline.fingerprint == recorded.fingerprint else {
            throw .malformed(path: path, reason: "the plan has more than one \"fingerprint\" field")
        }
        outline.operationCount = operationCount
        return PlanStream(
            path: path, outline: outline, turningOff: turningOff, descriptor: descriptor, identity: identity,
            operations: operations)
    }

    /// Format and version, from the fields before the operations, with `PlanFile.read`'s words.
    private static func checkEnvelope(_ heading: [UInt8], path: String, size: Int) throws(PlanFileError) {
        let envelope: PlanEnvelope
        do {
            envelope = try JSONDecoder().decode(PlanEnvelope.self, from: Data(heading + Array("  \"_\" : 0\n}".utf8)))
        } catch {
            try explain(path: path, size: size, reason: "its heading is not JSON")
        }
        try envelope.check(path: path)
    }

    /// Refuses a file not laid out as `PlanFile` writes plans: with the whole-file reader's
    /// reason when the file is small enough to ask it and it has one.
    private static func explain(path: String, size: Int, reason: String) throws(PlanFileError) -> Never {
        if size <= explainLimit {
            do {
                _ = try PlanFile.read(from: path)
            } catch {
                throw error
            }
        }
        throw .malformed(path: path, reason: "it is not laid out as mfa-rollout writes plans: \(reason)")
    }

    /// Whether an object has an `operations` key (the outline's own decoding ignores it).
    private struct KeyProbe: Decodable {
        var hasOperations: Bool
        init(from decoder: any Decoder) throws {
            hasOperations = try decoder.container(keyedBy: PlanOutline.CodingKeys.self).contains(.operations)
        }
    }

    /// The JSON object on an operation line (its four spaces of indentation and its comma
    /// removed), and whether the comma was there; nil for a line that is not one.
    static func operationObject(_ line: UnsafeRawBufferPointer) -> (bytes: UnsafeRawBufferPointer, comma: Bool)? {
        guard line.count >= 6, line[0] == 0x20, line[1] == 0x20, line[2] == 0x20, line[3] == 0x20,
            line[4] == UInt8(ascii: "{")
        else { return nil }
        let comma = line[line.count - 1] == UInt8(ascii: ",")
        return (UnsafeRawBufferPointer(rebasing: line[4..<(line.count - (comma ? 1 : 0))]), comma)
    }

    /// Whether the operation on a line turns MFA off, read from its first bytes where the line
    /// is in the writer's form (a verified line whose operation is not decoded).
    private static func turnsMFAOff(_ object: UnsafeRawBufferPointer) -> Bool {
        if object.starts(with: enableStart) { return false }
        if object.starts(with: disableStart) || object.starts(with: unsetStart) { return true }
        return (try? OperationLineDecoder.decode(object))?.action.turnsMFAOff ?? false
    }

    private static let enableStart = Array("{\"action\":\"enable\",".utf8)
    private static let disableStart = Array("{\"action\":\"disable\",".utf8)
    private static let unsetStart = Array("{\"action\":\"unset\",".utf8)

    static func fileError(_ error: PlanLineReader.Failure, path: String) -> PlanFileError {
        switch error {
        case .read(let error): .cannotRead(path: path, reason: error.message)
        case .changed: .changedWhileRead(path: path)
        case .lineTooLong(let offset):
            .malformed(path: path, reason: "a line at byte \(offset) is longer than any plan line")
        }
    }
}

extension DecodingError {
    /// ``readable`` for an error inside one element: `.action: cannot decode …`, or `: …` when
    /// it is the element itself.
    var readableWithin: String {
        let text = readable
        if text.hasPrefix("top level") { return String(text.dropFirst("top level".count)) }
        return text.hasPrefix("[") ? text : "." + text
    }
}
