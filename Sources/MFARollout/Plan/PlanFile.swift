import Foundation

/// Reading and writing plan files.
///
/// The file is JSON: the header fields pretty-printed with sorted keys, then `operations` with
/// one operation a line, then `rejected` with one row a line, so that a plan of 100,000
/// changes stays readable in a diff and is written without building the whole document in
/// memory. Writes go to a temporary file that is renamed into place, so a crash never leaves
/// half a plan. `PlanFile.Writer` writes the same layout while the plan is being made.
public enum PlanFile {
    /// Writes `plan` to `path` atomically, streaming: the file is never whole in memory.
    public static func write(_ plan: Plan, to path: String) throws(PlanFileError) {
        do {
            try AtomicFile.write(to: path) { sink in try stream(plan, into: sink) }
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }

    /// The plan file's bytes.
    public static func encode(_ plan: Plan) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try stream(plan) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Produces the file in chunks of about 256 KiB.
    static func stream(_ plan: Plan, into sink: ([UInt8]) throws -> Void) throws {
        let outline = plan.outline
        var text = try header(outline)
        text.append(contentsOf: Array(",\n".utf8))
        text.append(contentsOf: operationsOpening)
        text.reserveCapacity(chunkSize + 4096)
        let operations = plan.operations
        for index in operations.indices {
            appendOperation(operations.fields(at: index), first: index == 0, to: &text)
            if text.count >= chunkSize {
                try sink(text)
                text.removeAll(keepingCapacity: true)
            }
        }
        text.append(contentsOf: try tail(outline))
        try sink(text)
    }

    static let chunkSize = 256 * 1024

    /// The header fields (all but `operations` and `rejected`) as an unclosed object: `{`, the
    /// fields pretty-printed with sorted keys, no trailing comma or newline.
    static func header(_ outline: PlanOutline) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var text = Array(try encoder.encode(outline))
        // The header ends with "\n}": reopen it.
        while let last = text.last, last != UInt8(ascii: "}") { text.removeLast() }
        text.removeLast()
        while let last = text.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: " ") { text.removeLast() }
        return text
    }

    static let operationsOpening = Array("  \"operations\" : [".utf8)

    /// One operation's line, after a comma unless it is the first.
    @inline(__always)
    static func appendOperation(_ operation: OperationFields, first: Bool, to text: inout [UInt8]) {
        if !first { text.append(UInt8(ascii: ",")) }
        text.append(UInt8(ascii: "\n"))
        for _ in 0..<4 { text.append(UInt8(ascii: " ")) }
        operation.appendJSON(to: &text)
    }

    /// What follows the operations: their closing bracket, `rejected` one a line, the end.
    static func tail(_ outline: PlanOutline) throws -> [UInt8] {
        var text = Array((outline.operationCount == 0 ? "],\n" : "\n  ],\n").utf8)
        text.append(contentsOf: Array("  \"rejected\" : [".utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (index, row) in outline.rejected.enumerated() {
            text.append(contentsOf: Array((index == 0 ? "\n    " : ",\n    ").utf8))
            text.append(contentsOf: try encoder.encode(row))
        }
        text.append(contentsOf: Array((outline.rejected.isEmpty ? "]\n}\n" : "\n  ]\n}\n").utf8))
        return text
    }

    /// Reads and checks a plan: format, version, and that the operations still hash to the
    /// recorded fingerprint.
    public static func read(from path: String) throws(PlanFileError) -> Plan {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .cannotRead(path: path, reason: error.reason)
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String) throws(PlanFileError) -> Plan {
        struct Envelope: Decodable {
            var format: String?
            var formatVersion: Int?
            enum CodingKeys: String, CodingKey { case format, formatVersion = "format_version" }
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            throw .malformed(path: path, reason: "not JSON, or not a JSON object")
        }
        guard envelope.format == Plan.formatName else {
            throw .malformed(path: path, reason: "the \"format\" field is not \"mfa-rollout-plan\"")
        }
        guard envelope.formatVersion == Plan.currentFormatVersion else {
            throw .unsupportedVersion(path: path, found: envelope.formatVersion ?? 0, supported: Plan.currentFormatVersion)
        }
        let plan: Plan
        do {
            plan = try decoder.decode(Plan.self, from: data)
        } catch let error as DecodingError {
            throw .malformed(path: path, reason: error.readable)
        } catch {
            throw .malformed(path: path, reason: "\(error)")
        }
        let computed = Fingerprint.of(flagLocation: plan.flag.location, operations: plan.operations)
        guard computed == plan.fingerprint else {
            throw .fingerprintMismatch(path: path, recorded: plan.fingerprint, computed: computed)
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
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription
    }
}
