import Crypto
import Foundation
import Testing

@testable import MFARollout

/// The streaming plan reader against the whole-file reader (`PlanFile.read`): it reads what
/// that reads, identically, and refuses whatever that refuses.
@Suite("plan file: streaming reader")
struct PlanStreamTests {
    /// A scratch directory for one test's plan files.
    final class Scratch {
        let directory: String
        private var count = 0

        init() throws {
            directory = NSTemporaryDirectory() + "plan-stream-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        deinit {
            try? FileManager.default.removeItem(atPath: directory)
        }

        func write(_ bytes: [UInt8]) throws -> String {
            count += 1
            let path = directory + "/plan-\(count).json"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw CocoaError(.fileWriteUnknown)
            }
            return path
        }
    }

    static func operations(_ count: Int) -> [PlanOperation] {
        (0..<count).map { index in
            PlanFileTests.operation(
                index % 5 == 0 ? "auth0|q\"uote\(index)" : "auth0|\(index)", index % 3 == 0 ? .disable : .enable,
                email: index % 2 == 0 ? nil : "user\(index)@example.com")
        }
    }

    /// Everything the stream reads: outline, operations through a cursor, and the count that
    /// turns MFA off.
    static func read(_ path: String, checkingOperations: Bool = true) throws -> (PlanOutline, [PlanOperation], Int) {
        let stream = try PlanStream.open(path: path, checkingOperations: checkingOperations)
        let cursor = try stream.operationCursor()
        var operations: [PlanOperation] = []
        while let (index, operation) = try cursor.next() {
            #expect(index == operations.count)
            operations.append(operation)
        }
        return (stream.outline, operations, stream.operationsTurningMFAOff)
    }

    /// `text` with its fingerprint line recomputed: an edit a reader can only catch by
    /// checking what the file says, not its hash.
    static func rehashed(_ text: String) throws -> String {
        let line = try #require(text.range(of: "  \"fingerprint\" : \"sha256", options: .backwards))
        let covered = Array(text[..<line.lowerBound].utf8)
        let digest = "sha256:" + SHA256.hash(data: covered).map { String(format: "%02x", $0) }.joined()
        return String(text[..<line.lowerBound]) + "  \"fingerprint\" : \"\(digest)\"\n}\n"
    }

    @Test("plans of 0, 1 and many operations read as the whole-file reader reads them", arguments: [0, 1, 2, 5000])
    func sameAsWholeFile(count: Int) throws {
        let scratch = try Scratch()
        let plan = PlanFileTests.plan(Self.operations(count))
        let path = try scratch.write(PlanFile.encode(plan))
        let whole = try PlanFile.read(from: path)
        for checking in [true, false] {
            let (outline, operations, turningOff) = try Self.read(path, checkingOperations: checking)
            #expect(outline == whole.outline)
            #expect(operations == Array(whole.operations))
            #expect(turningOff == whole.operations.count { $0.action.turnsMFAOff })
        }
    }

    @Test("changing any single byte of a plan file is refused, as the whole-file reader refuses it")
    func everyByteIsCovered() throws {
        let scratch = try Scratch()
        let plan = PlanFileTests.plan(
            [PlanFileTests.operation("auth0|1", email: "a@b.c"), PlanFileTests.operation("auth0|2", .disable)],
            guards: [GuardCheck(kind: .maxChanges, limit: 5, actual: 2)])
        let bytes = PlanFile.encode(plan)
        let path = try scratch.write(bytes)
        #expect(try Self.read(path).0 == (try PlanFile.read(from: path)).outline)
        var accepted: [Int] = []
        for index in bytes.indices {
            var edited = bytes
            edited[index] =
                switch bytes[index] {
                case UInt8(ascii: "0")...UInt8(ascii: "8"): bytes[index] + 1
                case UInt8(ascii: "a")...UInt8(ascii: "y"): bytes[index] + 1
                case UInt8(ascii: " "): UInt8(ascii: "\t")
                default: UInt8(ascii: " ")
                }
            let path = try scratch.write(edited)
            #expect((try? PlanFile.read(from: path)) == nil)
            if (try? Self.read(path)) != nil { accepted.append(index) }
        }
        #expect(accepted.isEmpty, "edits accepted at byte offsets \(accepted.prefix(10))")
    }

    @Test("edits the whole-file reader refuses, even with the fingerprint recomputed, are refused")
    func refusedEdits() throws {
        let scratch = try Scratch()
        let plan = PlanFileTests.plan(
            [PlanFileTests.operation("auth0|1"), PlanFileTests.operation("auth0|2", .disable)],
            guards: [GuardCheck(kind: .maxChanges, limit: 0, actual: 2)])
        let text = String(decoding: PlanFile.encode(plan), as: UTF8.self)
        let other = PlanFileTests.plan([PlanFileTests.operation("auth0|9")])
        var edits = [
            "", "not json", "{\"a\":1}", String(text.dropLast(10)), String(text.dropFirst()),
            text.replacingOccurrences(of: "auth0|2", with: "auth0|3"),
            text.replacingOccurrences(of: "\"format_version\" : 2", with: "\"format_version\" : 9"),
            text.replacingOccurrences(of: "\"format_version\" : 2", with: "\"format_version\" : 1"),
            text.replacingOccurrences(of: "\"applicable\" : false", with: "\"applicable\" : true"),
            text.replacingOccurrences(of: "acme.eu.auth0.com", with: "evil.eu.auth0.com"),
        ]
        let rehashed = [
            // desired that is not what the action writes
            text.replacingOccurrences(of: "\"desired\":\"false\"", with: "\"desired\":\"true\""),
            // an operation missing a field, and one of another type
            text.replacingOccurrences(of: ",\"line\":2", with: ""),
            text.replacingOccurrences(of: "\"line\":2", with: "\"line\":\"2\""),
            text.replacingOccurrences(of: "\"action\":\"enable\"", with: "\"action\":\"enabel\""),
            // a second fingerprint field earlier on
            text.replacingOccurrences(
                of: "  \"mode\" : ", with: "  \"fingerprint\" : \"\(other.fingerprint)\",\n  \"mode\" : "),
            // an outline field of the wrong type
            text.replacingOccurrences(of: "\"applicable\" : false", with: "\"applicable\" : \"no\""),
        ]
        edits += try rehashed.map(Self.rehashed)
        for edit in edits {
            let path = try scratch.write(Array(edit.utf8))
            let whole = Result { try PlanFile.read(from: path) }
            let stream = Result { try Self.read(path) }
            if case .failure(let error) = whole {
                #expect(throws: PlanFileError.self, "\(error)") { try stream.get() }
            }
        }
    }

    @Test("a valid plan laid out otherwise (reformatted) is refused with a reason, or read the same")
    func otherLayouts() throws {
        let scratch = try Scratch()
        let plan = PlanFileTests.plan([PlanFileTests.operation("auth0|1"), PlanFileTests.operation("auth0|2")])
        let text = String(decoding: PlanFile.encode(plan), as: UTF8.self)
        // Both operations on one line: valid JSON, not the layout.
        let joined = try Self.rehashed(text.replacingOccurrences(of: "},\n    {", with: "}, {"))
        let path = try scratch.write(Array(joined.utf8))
        #expect(try PlanFile.read(from: path).operations.count == 2)
        #expect(throws: PlanFileError.self) { try Self.read(path) }
        // Spaces inside an operation: the same layout, read by the reference decoder.
        let spaced = try Self.rehashed(text.replacingOccurrences(of: ",\"id\":", with: ", \"id\" : "))
        let spacedPath = try scratch.write(Array(spaced.utf8))
        let whole = try PlanFile.read(from: spacedPath)
        let (outline, operations, _) = try Self.read(spacedPath)
        #expect(outline == whole.outline)
        #expect(operations == Array(whole.operations))
    }

    @Test("a plan file changed after it was verified is not read on")
    func changedWhileRead() throws {
        let scratch = try Scratch()
        let plan = PlanFileTests.plan(Self.operations(12000))
        let path = try scratch.write(PlanFile.encode(plan))
        let stream = try PlanStream.open(path: path)
        let cursor = try stream.operationCursor()
        #expect(try cursor.next()?.operation == plan.operations[0])
        // Rewritten in place (same inode), as an editor saving over it would.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(" ".utf8))
        try handle.close()
        #expect(throws: PlanFileError.changedWhileRead(path: path)) {
            while try cursor.next() != nil {}
        }
    }
}
