import Foundation
import Testing

@testable import MFARollout

/// The byte-level decision path (`ConditionProgram`), the two-thread planner
/// (`DecisionPipeline`) and the plan file written while planning (`PlanFile.Writer`).
@Suite("planner: bytes, threads and the streamed plan file")
struct PlannerPipelineTests {
    // MARK: Conditions on bytes keep String semantics

    @Test("equals and one_of compare as Swift strings do: canonical equivalence, not bytes")
    func canonicalEquivalence() throws {
        // U+212A KELVIN SIGN is canonically "K"; "é" precomposed equals "e" + U+0301.
        let kelvin = try Fixture.policy(when: "{ column: unit, equals: \"\u{212A}\" }")
        #expect(kelvin.matches(["unit": "K"]), "an ASCII value against a non-ASCII literal")
        #expect(!kelvin.matches(["unit": "k"]))
        let ascii = try Fixture.policy(when: "{ column: unit, one_of: [K, x] }")
        #expect(ascii.matches(["unit": "\u{212A}"]), "a non-ASCII value against ASCII literals")
        let accent = try Fixture.policy(when: "{ column: city, equals: \"Orl\u{E9}ans\" }")
        #expect(accent.matches(["city": "Orle\u{301}ans"]))
        #expect(!accent.matches(["city": "Orleans"]))
    }

    @Test("a one_of of many members is looked up, not scanned, with the same answers")
    func largeOneOf() throws {
        let members = (0..<40).map { "dept-\($0)" }
        let p = try Fixture.policy(when: "{ column: d, one_of: [\(members.joined(separator: ", "))] }")
        for member in members { #expect(p.matches(["d": member]), "\(member)") }
        #expect(!p.matches(["d": "dept-40"]))
        #expect(!p.matches(["d": "dept-"]))
        #expect(!p.matches(["d": ""]))
    }

    @Test("numbers read from bytes agree with Double(String) on every spelling")
    func numbers() throws {
        let p = try Fixture.policy(when: "{ column: n, gte: 5 }")
        for value in [
            "5", "05", "5.0", "+5", "1e1", "123456789012345", "1234567890123456789", "-0", "4.99", "-5", "-", "", " 5",
            "5 ", "0x10", "five",
        ] {
            let expected = Double(value).map { $0 >= 5 } ?? false
            #expect(p.matches(["n": value]) == expected, "\(value)")
        }
        for value in [
            "0", "-0", "7", "-12", "999999999999999", "1000000000000000", "12.5", "1e300", "inf", "--1", "1-",
        ] {
            let parsed = Array(value.utf8).withUnsafeBufferPointer { ConditionProgram.number($0) }
            #expect(parsed == Double(value), "\(value)")
            #expect(parsed?.sign == Double(value)?.sign, "\(value)")
        }
    }

    @Test("a glob sees the value as C does, up to a NUL")
    func globOnBytes() throws {
        let p = try Fixture.policy(when: "{ column: email, glob: \"*+test@*\" }")
        #expect(p.matches(["email": "a+test@x.com"]))
        #expect(!p.matches(["email": "a@x.com"]))
        #expect(!p.matches(["email": "a\u{0}+test@x.com"]), "fnmatch stops at the NUL, as String.withCString did")
    }

    // MARK: The two-thread planner

    /// Writes `rows` data rows (`u<i>`, dept `it` when i is even, flag false) across `files`
    /// files; `edit` may replace a row's line.
    static func export(rows: Int, files: Int = 1, edit: (Int, String) -> String = { $1 }) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var paths: [String] = []
        let perFile = (rows + files - 1) / files
        for file in 0..<files {
            var text = "user_id,email,dept,use_mfa\n"
            for i in file * perFile..<min(rows, (file + 1) * perFile) {
                text += edit(i, "auth0|u\(i),u\(i)@x.com,\(i % 2 == 0 ? "it" : "ops"),false") + "\n"
            }
            let path = directory.appendingPathComponent("users-\(file).csv").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        return paths
    }

    static let policyYAML = """
        version: 1
        flag: { location: app_metadata.use_mfa, column: use_mfa }
        rules:
          - name: it
            when: { column: dept, equals: it }
        """

    /// A planner for `paths` under `policyYAML`, at a fixed moment.
    static func planner(_ paths: [String], skip: Bool = false) -> PlanPipeline {
        let policy = try! Fixture.parse(policyYAML)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        return PlanPipeline(
            PlanRequest(
                sources: paths.map { .file($0) }, policy: policy, onInvalid: skip ? .skip : .fail, asOf: now,
                createdAt: now))
    }

    static func plan(_ paths: [String], skip: Bool = false) throws(PlanningError) -> Plan {
        try planner(paths, skip: skip).makePlan()
    }

    @Test("many batches over two files: every row decided once, in input order, with its file and line")
    func manyBatches() throws {
        let rows = 3 * RecordBatch.rowCapacity + 123
        let paths = try Self.export(rows: rows, files: 2)
        let plan = try Self.plan(paths)
        #expect(plan.summary.rows == rows)
        #expect(plan.summary.enable == (rows + 1) / 2)
        #expect(plan.operations.map(\.userID) == stride(from: 0, to: rows, by: 2).map { "auth0|u\($0)" })
        let perFile = (rows + 1) / 2
        for operation in plan.operations {
            let i = Int(operation.userID.dropFirst("auth0|u".count))!
            #expect(operation.file == paths[i / perFile])
            #expect(operation.line == i % perFile + 2)
        }
        #expect(plan.fingerprint == Fingerprint.of(plan))
    }

    @Test("each operation names its own file, also after inputs that made no operation")
    func fileNamesAcrossInputs() throws {
        // An input done with is freed once no batch holds its rows, and a later one may take
        // its place in memory: files with operations, then a header-only file and a file of
        // many batches of rows that change nothing, then files with operations again.
        let sizes = [3, 3, 0, 3 * RecordBatch.rowCapacity + 7, 0, 3, 3, 3]
        var paths: [String] = []
        for (index, size) in sizes.enumerated() {
            paths += try Self.export(rows: size) { i, line in
                let unchanged = size > 3 ? line.replacingOccurrences(of: ",it,", with: ",ops,") : line
                return unchanged.replacingOccurrences(of: "u\(i),", with: "f\(index)-\(i),")
            }
        }
        let plan = try Self.plan(paths)
        #expect(plan.operations.count == 2 * sizes.filter { $0 == 3 }.count)
        for operation in plan.operations {
            let index = Int(operation.userID.dropFirst("auth0|f".count).prefix { $0 != "-" })!
            #expect(operation.file == paths[index], "\(operation.userID)")
        }
    }

    @Test("the decider's error on an early row wins over the reader's error on a later one")
    func earliestErrorWins() throws {
        let badFlagFirst = try Self.export(rows: 10_000) { i, line in
            i == 5_000 ? "auth0|u\(i),u\(i)@x.com,it,maybe" : i == 9_000 ? "auth0|u\(i),u\"\(i),it,false" : line
        }
        #expect(
            throws: PlanningError.unparsableFlag(file: badFlagFirst[0], line: 5_002, column: "use_mfa", value: "maybe")
        ) {
            try Self.plan(badFlagFirst)
        }
        let badQuoteFirst = try Self.export(rows: 10_000) { i, line in
            i == 3_000 ? "auth0|u\(i),u\"\(i),it,false" : i == 5_000 ? "auth0|u\(i),u\(i)@x.com,it,maybe" : line
        }
        #expect(throws: PlanningError.export(ExportError(file: badQuoteFirst[0], line: 3_002, reason: .malformedQuote)))
        {
            try Self.plan(badQuoteFirst)
        }
        // Both in the batch the reader was still filling: its rows are decided before the
        // reader's error is reported.
        let sameBatch = try Self.export(rows: 100) { i, line in
            i == 10 ? "auth0|u\(i),u\(i)@x.com,it,maybe" : i == 20 ? "auth0|u\(i),u\(i)@x.com,it,false,extra" : line
        }
        #expect(throws: PlanningError.unparsableFlag(file: sameBatch[0], line: 12, column: "use_mfa", value: "maybe")) {
            try Self.plan(sameBatch)
        }
    }

    @Test("skip mode: unparsable flags, then the reader's rejections, and the rest planned")
    func skipMode() throws {
        let paths = try Self.export(rows: 9_000) { i, line in
            i == 8_000 ? "auth0|u\(i),only-three,it" : i % 1_000 == 7 ? "auth0|u\(i),u\(i)@x.com,it,perhaps" : line
        }
        let plan = try Self.plan(paths, skip: true)
        #expect(plan.rejected.map(\.line) == (0..<9).map { $0 * 1_000 + 7 + 2 } + [8_002])
        #expect(plan.summary.rows == 9_000)
        #expect(plan.summary.rejected == 10)
        // The even rows are in "it"; row 8,000 is rejected (rows i % 1000 == 7 are odd anyway).
        #expect(plan.operations.count == 4_500 - 1)
    }

    // MARK: The plan file written while planning

    @Test("the streamed plan file reads back as the plan, byte for byte PlanFile.encode's")
    func streamedFileMatches() throws {
        let paths = try Self.export(rows: 2 * RecordBatch.rowCapacity + 5) { i, line in
            i == 17 ? "auth0|u\(i),u\(i)@x.com,it,perhaps" : line
        }
        let out = (paths[0] as NSString).deletingLastPathComponent + "/plan.json"
        let planner = Self.planner(paths, skip: true)
        let writer = out
        let plan = try planner.makePlan(writingTo: writer)
        let read = try PlanFile.read(from: out)
        #expect(read == plan)
        #expect(read.rejected.count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(PlanFile.encode(plan)))
        // The plan made without a file has the fingerprint of the file it would be.
        #expect(try planner.makePlan().fingerprint == plan.fingerprint)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (out as NSString).deletingLastPathComponent)
            .filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        // Readable in a diff: no run of padding anywhere.
        #expect(
            !String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self).contains("        \n"))
    }

    @Test("a failed plan leaves no file and no temporary file behind")
    func abandoned() throws {
        let paths = try Self.export(rows: 100) { i, line in i == 50 ? "auth0|u\(i),u\(i)@x.com,it,perhaps" : line }
        let directory = (paths[0] as NSString).deletingLastPathComponent
        let out = directory + "/plan.json"
        let planner = Self.planner(paths)
        let writer = out
        #expect(throws: PlanningError.self) { try planner.makePlan(writingTo: writer) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["users-0.csv"])
    }

    @Test("a plan over a previous one leaves it byte for byte when planning fails")
    func previousPlanUntouched() throws {
        // Enough operations that the writer flushes (and drops the previous file's cached
        // pages) well before the bad row near the end stops planning.
        let rows = 4_000
        let bad = try Self.export(rows: rows) { i, line in i == rows - 10 ? "auth0|u\(i),u\(i)@x.com,it,perhaps" : line
        }
        let good = try Self.export(rows: rows)
        let out = (bad[0] as NSString).deletingLastPathComponent + "/plan.json"
        let previous = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try previous.write(to: URL(fileURLWithPath: out))

        let failing = Self.planner(bad)
        let writer = out
        #expect(throws: PlanningError.self) { try failing.makePlan(writingTo: writer) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == previous)

        let planner = Self.planner(good)
        let plan = try planner.makePlan(writingTo: out)
        #expect(plan.operations.count == rows / 2)
        #expect(try PlanFile.read(from: out) == plan)
    }

    @Test("an outline writes the same file as the plan, and is the plan's outline", arguments: [true, false])
    func outlineWritesTheSameFile(withChanges: Bool) throws {
        // Several batches, a row set aside (skip mode), and either changes or none at all.
        let rows = 2 * RecordBatch.rowCapacity + 5
        let paths = try Self.export(rows: rows) { i, line in
            if i == 17 { return "auth0|u\(i),u\(i)@x.com,it,perhaps" }
            return withChanges ? line : line.replacingOccurrences(of: ",it,", with: ",ops,")
        }
        let directory = (paths[0] as NSString).deletingLastPathComponent
        let planner = Self.planner(paths, skip: true)

        let plan = try planner.makePlan(writingTo: directory + "/plan.json")
        let outline = try planner.makeOutline(
            writingTo: directory + "/outline.json")

        #expect(outline == plan.outline)
        #expect(outline.operationCount == (withChanges ? (rows + 1) / 2 : 0), "the even rows are in it")
        #expect(outline.outcome == (withChanges ? .changes : .noChanges))
        #expect(outline.rejected.count == 1)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: directory + "/outline.json"))
                == Data(contentsOf: URL(fileURLWithPath: directory + "/plan.json")))
        #expect(try PlanFile.read(from: directory + "/outline.json") == plan)
        // Without a writer, the same outline.
        #expect(try planner.makeOutline(writingTo: nil) == outline)
    }

    @Test("an outline that counts other operations than were written is refused, and nothing is written")
    func outlineCountMismatch() throws {
        let paths = try Self.export(rows: 10)
        let out = (paths[0] as NSString).deletingLastPathComponent + "/plan.json"
        let planner = Self.planner(paths)
        let plan = try planner.makePlan()
        let writer = try PlanFile.Writer(path: out, heading: planner.heading)
        for operation in plan.operations { writer.append(operation) }
        var outline = plan.outline
        outline.operationCount += 1
        #expect(throws: PlanFileError.self) { try writer.finish(outline) }
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: (out as NSString).deletingLastPathComponent).filter {
                $0.hasSuffix(".tmp")
            }.isEmpty)
    }
}
