import Foundation

/// Reading and writing plan files.
///
/// The file is JSON written in one pass, in this order: what is known before planning starts
/// (`format`, `format_version`, `tenant`, `producer`, `flag`, `mode`), then `operations` one
/// a line, `rejected` one a line, then what is known only at the end (`inputs`, `summary`,
/// `guards`, `outcome`, `applicable`), and last the `fingerprint`, over every byte before it
/// (see ``Fingerprint``). Nested values are pretty-printed with sorted keys, so a plan of
/// 100,000 changes stays readable in a diff, and nothing but the current operation needs to
/// be in memory while the file is written. Writes go to a temporary file that is renamed into
/// place, so a crash never leaves half a plan.
package enum PlanFile {
    /// Writes `plan` to `path` atomically, streaming: the file is never whole in memory.
    package static func write(_ plan: Plan, to path: String) throws(PlanFileError) {
        do {
            try AtomicFile.write(to: path) { sink in try stream(plan, fingerprint: plan.fingerprint, into: sink) }
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }

    /// The plan file's bytes.
    package static func encode(_ plan: Plan) -> [UInt8] {
        var bytes: [UInt8] = []
        stream(plan, fingerprint: plan.fingerprint) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Produces the file in chunks of about 256 KiB; without `fingerprint`, all but the
    /// fingerprint line (the bytes the fingerprint covers).
    static func stream<Failure: Error>(
        _ plan: Plan, fingerprint: String?, into sink: ([UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        let outline = plan.outline
        var text = opening(outline.heading)
        text.reserveCapacity(chunkSize + 4096)
        let operations = plan.operations
        for index in operations.indices {
            appendOperation(operations.fields(at: index), first: index == 0, to: &text)
            if text.count >= chunkSize {
                try sink(text)
                text.removeAll(keepingCapacity: true)
            }
        }
        text.append(contentsOf: closing(outline))
        if let fingerprint { text.append(contentsOf: Fingerprint.trailer(fingerprint)) }
        try sink(text)
    }

    static let chunkSize = 256 * 1024

    /// `{`, the fields known before planning, and the opening of `operations`.
    static func opening(_ heading: PlanHeading) -> [UInt8] {
        var text = Array("{\n".utf8)
        field("format", Plan.formatName, to: &text)
        field("format_version", Plan.currentFormatVersion, to: &text)
        field("tenant", heading.tenant, to: &text)
        field("producer", heading.producer, to: &text)
        field("flag", heading.flag, to: &text)
        field("mode", heading.mode, to: &text)
        text.append(contentsOf: Array("  \"operations\" : [".utf8))
        return text
    }

    /// One operation's line, after a comma unless it is the first.
    @inline(__always)
    static func appendOperation(_ operation: OperationFields, first: Bool, to text: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: operationCapacity(operation)) { line in
            var json = JSONOutput(line.baseAddress!, at: 0)
            writeOperation(operation, first: first, to: &json)
            text.append(contentsOf: UnsafeBufferPointer(rebasing: line[..<json.position]))
        }
    }

    /// The most bytes `writeOperation` writes for `operation`.
    @inline(__always)
    static func operationCapacity(_ operation: OperationFields) -> Int {
        6 + operation.jsonCapacity
    }

    /// One operation's line, after a comma unless it is the first; `json` must have
    /// `operationCapacity(operation)` bytes of room.
    @inline(__always)
    static func writeOperation(_ operation: OperationFields, first: Bool, to json: inout JSONOutput) {
        if !first { json.byte(UInt8(ascii: ",")) }
        json.raw("\n    ")
        operation.writeJSON(to: &json)
    }

    /// What follows the operations: their closing bracket, `rejected` one a line, then the
    /// fields known only at the end, up to the fingerprint line.
    static func closing(_ outline: PlanOutline) -> [UInt8] {
        var text = Array((outline.operationCount == 0 ? "],\n" : "\n  ],\n").utf8)
        text.append(contentsOf: Array("  \"rejected\" : [".utf8))
        for (index, row) in outline.rejected.enumerated() {
            text.append(contentsOf: Array((index == 0 ? "\n    " : ",\n    ").utf8))
            text.append(contentsOf: json(row, pretty: false))
        }
        text.append(contentsOf: Array((outline.rejected.isEmpty ? "],\n" : "\n  ],\n").utf8))
        field("inputs", outline.inputs, to: &text)
        field("summary", outline.summary, to: &text)
        field("guards", outline.guards, to: &text)
        field("outcome", outline.outcome, to: &text)
        field("applicable", outline.applicable, to: &text)
        return text
    }

    /// `  "name" : VALUE,` and a line end, VALUE pretty-printed and indented to its depth.
    private static func field(_ name: StaticString, _ value: some Encodable, to text: inout [UInt8]) {
        text.append(contentsOf: Array("  \"".utf8))
        text.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        text.append(contentsOf: Array("\" : ".utf8))
        let encoded = json(value, pretty: true)
        for (index, byte) in encoded.enumerated() {
            text.append(byte)
            // A JSON string holds no raw line end: every one is between tokens. Lines after
            // the first are indented one level more; empty lines stay empty.
            if byte == UInt8(ascii: "\n"), index + 1 < encoded.count, encoded[index + 1] != UInt8(ascii: "\n") {
                text.append(contentsOf: [0x20, 0x20])
            }
        }
        text.append(contentsOf: Array(",\n".utf8))
    }

    private static func json(_ value: some Encodable, pretty: Bool) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return Array(try encoder.encode(value))
        } catch {
            // Only a non-finite number fails to encode, and a plan holds none: its guard
            // measures are counts and shares of counts.
            preconditionFailure("a plan field cannot be encoded as JSON: \(error)")
        }
    }

    /// Reads and checks a plan: format, version, and that the file still hashes to the
    /// fingerprint it ends with.
    package static func read(from path: String) throws(PlanFileError) -> Plan {
        guard POSIX.status(ofPath: path) != nil else { throw .noSuchFile(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .cannotRead(path: path, reason: error.reason)
        }
        return try decode(data, path: path)
    }

    package static func decode(_ data: Data, path: String) throws(PlanFileError) -> Plan {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let envelope: PlanEnvelope
        do {
            envelope = try decoder.decode(PlanEnvelope.self, from: data)
        } catch {
            throw .malformed(path: path, reason: "not JSON, or not a JSON object")
        }
        try envelope.check(path: path)
        let verified: (recorded: String, computed: String)? = data.withUnsafeBytes { file in
            guard let (covered, recorded) = Fingerprint.recorded(in: file) else { return nil }
            var hasher = Fingerprint.Hasher()
            hasher.update(UnsafeRawBufferPointer(rebasing: file[..<covered]))
            return (recorded, hasher.finalize())
        }
        guard let verified else { throw .noFingerprintLine(path: path) }
        guard verified.recorded == verified.computed else {
            throw .fingerprintMismatch(path: path, recorded: verified.recorded, computed: verified.computed)
        }
        let plan: Plan
        do {
            plan = try decoder.decode(Plan.self, from: data)
        } catch let error as DecodingError {
            throw .malformed(path: path, reason: error.readable)
        } catch {
            throw .malformed(path: path, reason: "\(error)")
        }
        // The last line is what was verified; a second "fingerprint" key earlier in the file
        // must not stand in for it.
        guard plan.fingerprint == verified.recorded else {
            throw .malformed(path: path, reason: "the plan has more than one \"fingerprint\" field")
        }
        let operations = plan.operations
        if let index = operations.indices.first(where: {
            operations.fields(at: $0).desired != operations.fields(at: $0).action.desired
        }) {
            throw .malformed(path: path, reason: "operations[\(index)]: \"desired\" is not what its action writes")
        }
        return plan
    }
}

extension DecodingError {
    /// `operations[3].action: cannot decode "enabel"`-style text, without Swift type dumps.
    var readable: String {
        func path(_ context: Context) -> String {
            var out = ""
            for key in context.codingPath {
                if let index = key.intValue {
                    out += "[\(index)]"
                } else {
                    out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return out.isEmpty ? "top level" : out
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(self)"
        }
    }
}

extension Error {
    /// A short human reason (the POSIX message where there is one).
    var reason: String {
        let nsError = self as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription
    }
}
