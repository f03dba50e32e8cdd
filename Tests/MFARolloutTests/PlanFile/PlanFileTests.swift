import Crypto
import Foundation
import Testing

@testable import MFARollout

@Suite("plan file")
struct PlanFileTests {
    static func operation(_ userID: String, _ action: PlanAction = .enable, email: String? = nil) -> PlanOperation {
        PlanOperation(
            id: OperationID.make(flagLocation: "app_metadata.use_mfa", userID: userID, action: action),
            userID: userID, action: action, current: action == .enable ? .absent : .on, reason: "rule staff",
            email: email, connection: "acme-saml", file: "users.csv", line: 2)
    }

    static func plan(_ operations: [PlanOperation], guards: [GuardCheck] = []) -> Plan {
        var summary = PlanSummary()
        summary.rows = 10
        summary.enable = operations.filter { $0.action == .enable }.count
        summary.disable = operations.filter { $0.action == .disable }.count
        return Plan(
            producer: .init(
                createdAt: Date(timeIntervalSince1970: 1_790_000_000), asOf: Date(timeIntervalSince1970: 1_790_000_000)),
            tenant: "acme.eu.auth0.com",
            inputs: [.init(role: .export, path: "users.csv", sha256: String(repeating: "a", count: 64))],
            flag: .init(container: "app_metadata", key: "use_mfa", column: "use_mfa"),
            mode: .enableOnly, summary: summary, guards: guards, operations: operations, rejected: [])
    }

    @Test("writing and reading gives the same plan back, whatever the ids and emails hold")
    func roundTrip() throws {
        let tricky = [
            "samlp|my-connection|jane@example.com", "auth0|a/b", "auth0|quote\"back\\slash", "auth0|new\nline\ttab",
            "auth0|ctrl\u{01}\u{1F}", "auth0|ünïcødé-😀",
        ]
        let plan = Self.plan(
            tricky.map { Self.operation($0, email: "\($0)@x.com") } + [Self.operation("auth0|off", .disable)])
        let bytes = PlanFile.encode(plan)
        let decoded = try PlanFile.decode(Data(bytes), path: "plan.json")
        #expect(decoded == plan)
        // The streamed operations agree with JSONEncoder's reading of the same type.
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        let ops = try #require(object?["operations"] as? [[String: Any]])
        #expect(ops.count == 7)
        #expect(ops[3]["user_id"] as? String == "auth0|new\nline\ttab")
    }

    @Test("an empty plan is valid JSON too")
    func emptyPlan() throws {
        let plan = Self.plan([])
        #expect(plan.outcome == .noChanges)
        let decoded = try PlanFile.decode(Data(PlanFile.encode(plan)), path: "plan.json")
        #expect(decoded == plan)
    }

    @Test("an edited operation no longer matches the fingerprint")
    func tamperedPlan() throws {
        let plan = Self.plan([Self.operation("auth0|1"), Self.operation("auth0|2")])
        var text = String(decoding: PlanFile.encode(plan), as: UTF8.self)
        text = text.replacingOccurrences(of: "auth0|2", with: "auth0|3")
        #expect(throws: PlanFileError.self) { try PlanFile.decode(Data(text.utf8), path: "plan.json") }
        do {
            _ = try PlanFile.decode(Data(text.utf8), path: "plan.json")
        } catch {
            guard case .fingerprintMismatch(let path, _, _) = error else {
                Issue.record("expected a fingerprint mismatch, got \(error)")
                return
            }
            #expect(path == "plan.json")
        }
    }

    @Test("a plan from a newer build, or from an older one whose fingerprint covered less, is refused by name")
    func otherVersions() throws {
        let plan = Self.plan([Self.operation("auth0|1")])
        let text = String(decoding: PlanFile.encode(plan), as: UTF8.self)
        let current = "\"format_version\" : \(Plan.currentFormatVersion)"
        #expect(text.contains(current))
        let future = text.replacingOccurrences(of: current, with: "\"format_version\" : 9")
        #expect(throws: PlanFileError.unsupportedVersion(path: "p.json", found: 9, supported: 3)) {
            try PlanFile.decode(Data(future.utf8), path: "p.json")
        }
        // 1: the fingerprint covered less; 2: operations did not carry the source key, so a
        // build that read 2 would apply an owned plan without its marks.
        for version in [1, 2] {
            let older = text.replacingOccurrences(of: current, with: "\"format_version\" : \(version)")
            #expect(throws: PlanFileError.olderVersion(path: "p.json", found: version, supported: 3)) {
                try PlanFile.decode(Data(older.utf8), path: "p.json")
            }
        }
        #expect(PlanFileError.olderVersion(path: "p.json", found: 1, supported: 3).description.contains("plan again"))
        #expect(throws: PlanFileError.self) { try PlanFile.decode(Data("{\"a\":1}".utf8), path: "p.json") }
        #expect(throws: PlanFileError.self) { try PlanFile.decode(Data("not json".utf8), path: "p.json") }
    }

    @Test("the fingerprint is SHA-256 over every byte before the fingerprint line (known answer)")
    func fingerprintKnownAnswer() throws {
        let plan = Self.plan([Self.operation("auth0|1"), Self.operation("auth0|2", .disable)])
        let bytes = PlanFile.encode(plan)
        let text = String(decoding: bytes, as: UTF8.self)
        let line = try #require(text.range(of: "  \"fingerprint\" : \"", options: .backwards))
        let covered = Array(text[..<line.lowerBound].utf8)
        let expected = "sha256:" + SHA256.hash(data: covered).map { String(format: "%02x", $0) }.joined()
        #expect(plan.fingerprint == expected)
        #expect(text[line.lowerBound...] == "  \"fingerprint\" : \"\(expected)\"\n}\n")
        #expect(Fingerprint.of(plan) == expected)
        #expect(try PlanFile.decode(Data(bytes), path: "p.json").fingerprint == expected)
    }

    @Test("changing any single byte of a plan file is refused")
    func everyByteIsCovered() throws {
        let plan = Self.plan(
            [Self.operation("auth0|1", email: "a@b.c"), Self.operation("auth0|2", .disable)],
            guards: [GuardCheck(kind: .maxChanges, limit: 5, actual: 2)])
        let bytes = PlanFile.encode(plan)
        #expect(try PlanFile.decode(Data(bytes), path: "p.json") == plan)
        var accepted: [Int] = []
        for index in bytes.indices {
            var edited = bytes
            // Another byte that keeps most edits valid JSON: digits stay digits, letters letters.
            edited[index] =
                switch bytes[index] {
                case UInt8(ascii: "0")...UInt8(ascii: "8"): bytes[index] + 1
                case UInt8(ascii: "a")...UInt8(ascii: "y"): bytes[index] + 1
                case UInt8(ascii: " "): UInt8(ascii: "\t")
                default: UInt8(ascii: " ")
                }
            if (try? PlanFile.decode(Data(edited), path: "p.json")) != nil { accepted.append(index) }
        }
        #expect(accepted.isEmpty, "edits accepted at byte offsets \(accepted.prefix(10))")
    }

    @Test("a guard-tripped plan edited to look applicable, or made to look new, is refused")
    func editedDecisions() throws {
        let plan = Self.plan([Self.operation("auth0|1")], guards: [GuardCheck(kind: .maxChanges, limit: 0, actual: 1)])
        #expect(!plan.applicable)
        let text = String(decoding: PlanFile.encode(plan), as: UTF8.self)
        let edits = [
            text.replacingOccurrences(of: "\"applicable\" : false", with: "\"applicable\" : true")
                .replacingOccurrences(of: "\"outcome\" : \"guard-tripped\"", with: "\"outcome\" : \"changes\"")
                .replacingOccurrences(of: "\"tripped\" : true", with: "\"tripped\" : false"),
            text.replacingOccurrences(of: "2026-09-21", with: "2030-09-21"),
            text.replacingOccurrences(of: "acme.eu.auth0.com", with: "evil.eu.auth0.com"),
        ]
        for edited in edits {
            #expect(edited != text)
            #expect(throws: PlanFileError.self) { try PlanFile.decode(Data(edited.utf8), path: "p.json") }
        }
    }

    @Test("an edit with a second, approved-looking fingerprint field is refused")
    func secondFingerprintField() throws {
        let plan = Self.plan([Self.operation("auth0|1")])
        let other = Self.plan([Self.operation("auth0|2")])
        var text = String(decoding: PlanFile.encode(plan), as: UTF8.self)
        // Plant the other plan's fingerprint earlier, and re-hash so the last line verifies.
        text = text.replacingOccurrences(
            of: "  \"mode\" : ", with: "  \"fingerprint\" : \"\(other.fingerprint)\",\n  \"mode\" : ")
        let line = try #require(text.range(of: "  \"fingerprint\" : \"sha256", options: .backwards))
        let covered = Array(text[..<line.lowerBound].utf8)
        let rehashed = "sha256:" + SHA256.hash(data: covered).map { String(format: "%02x", $0) }.joined()
        text = String(text[..<line.lowerBound]) + "  \"fingerprint\" : \"\(rehashed)\"\n}\n"
        let decoded = try? PlanFile.decode(Data(text.utf8), path: "p.json")
        #expect(decoded == nil || decoded?.fingerprint == rehashed, "never the planted \(other.fingerprint)")
    }

    @Test("operation ids are stable and distinct")
    func operationIDs() {
        let a = OperationID.make(flagLocation: "app_metadata.use_mfa", userID: "auth0|1", action: .enable)
        #expect(a == OperationID.make(flagLocation: "app_metadata.use_mfa", userID: "auth0|1", action: .enable))
        #expect(a != OperationID.make(flagLocation: "app_metadata.use_mfa", userID: "auth0|1", action: .disable))
        #expect(a != OperationID.make(flagLocation: "app_metadata.use_mfa", userID: "auth0|2", action: .enable))
        #expect(
            a.count == 15
                && a.utf8.allSatisfy {
                    ("a"..."z").contains(Character(UnicodeScalar($0)))
                        || ("2"..."7").contains(Character(UnicodeScalar($0)))
                })
    }

    @Test("operation ids: known answer, independently computed (base32 of SHA-256, as documented)")
    func operationIDKnownAnswer() {
        // python3: base64.b32encode(sha256(b"mfa-rollout op v1\napp_metadata.use_mfa\n7:auth0|1\nenable")).lower()[:15]
        #expect(
            OperationID.make(flagLocation: "app_metadata.use_mfa", userID: "auth0|1", action: .enable)
                == "aquobkvhxfectz6")
    }

    @Test("guards decide the outcome")
    func guardOutcome() {
        let tripped = GuardCheck(kind: .maxChanges, limit: 1, actual: 2)
        let holds = GuardCheck(kind: .minRows, limit: 5, actual: 10)
        #expect(tripped.tripped && !holds.tripped)
        #expect(GuardCheck(kind: .minRows, limit: 5, actual: 4).tripped)
        #expect(!GuardCheck(kind: .maxChangePercent, limit: 10, actual: 10).tripped)
        let plan = Self.plan([Self.operation("auth0|1")], guards: [holds, tripped])
        #expect(plan.outcome == .guardTripped && !plan.applicable && plan.outcome.exitCode == 3)
        #expect(Self.plan([Self.operation("auth0|1")], guards: [holds]).outcome.exitCode == 2)
    }
}

@Suite("flag values")
struct FlagValueTests {
    @Test(
        "accepted spellings",
        arguments: [
            ("true", FlagValue.on), ("TRUE", .on), ("1", .on), ("'true", .on), (" true ", .on),
            ("false", .off), ("False", .off), ("0", .off), ("'false", .off), ("", .absent), ("  ", .absent),
        ])
    func accepted(text: String, value: FlagValue) {
        #expect(FlagValue(exportValue: text) == value)
    }

    @Test("a missing column means absent; anything else is refused", arguments: ["yes", "no", "2", "t", "on", "nul"])
    func refused(text: String) {
        #expect(FlagValue(exportValue: text) == nil)
        #expect(FlagValue(exportValue: nil) == .absent)
    }
}

@Suite("plan file: fast paths agree with their definitions")
struct PlanFileFastPathTests {
    /// The definition `JSONString.needsEscaping` implements eight bytes at a time.
    static func needsEscapingByDefinition(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    @Test("escaping check: every byte value at every position of strings up to 24 bytes")
    func escapingCheckEveryByte() {
        for length in 1...24 {
            for position in 0..<length {
                for value in 0...255 {
                    // Fillers on both sides of the borrow boundaries: just above the limits.
                    var bytes = [UInt8](repeating: value % 2 == 0 ? 0x20 : 0xFF, count: length)
                    bytes[position] = UInt8(value)
                    let fast = bytes.withUnsafeBufferPointer { JSONString.needsEscaping($0) }
                    #expect(fast == Self.needsEscapingByDefinition(bytes), "value \(value) at \(position) of \(length)")
                }
            }
        }
    }

    @Test("escaping check: random strings, and JSON output that JSONSerialization reads back")
    func escapingCheckRandom() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                // Mostly printable, sometimes a byte that needs escaping.
                Int.random(in: 0..<10, using: &generator) == 0
                    ? [0x00, 0x09, 0x0A, 0x1F, 0x22, 0x5C, 0x7F, 0x80, 0xA2, 0xDC].randomElement(using: &generator)!
                    : UInt8.random(in: 0x20...0x7E, using: &generator)
            }
            let fast = bytes.withUnsafeBufferPointer { JSONString.needsEscaping($0) }
            #expect(fast == Self.needsEscapingByDefinition(bytes))
        }
        let value = "a\"b\\c\u{1}d\ne\u{7F}é"
        var out: [UInt8] = []
        JSONString.append(value, to: &out)
        let decoded = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
        #expect(decoded == value)
    }

    @Test("decimal writer: every digit count, both ends of Int, and appended after other bytes")
    func decimalWriter() {
        var values: [Int] = [0, 9, 10, 99, 100, .max, .min, -1, -10]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power]
        }
        for value in values {
            let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1 + 21) { buffer in
                var out = JSONOutput(buffer.baseAddress!, at: 0)
                out.byte(UInt8(ascii: "x"))
                out.decimal(value)
                return String(decoding: buffer[..<out.position], as: UTF8.self)
            }
            #expect(text == "x\(value)")
        }
    }

    @Test("JSON strings: all-escaping values at the worst-case size are written in full")
    func worstCaseEscaping() throws {
        for value in ["", String(repeating: "\u{1}", count: 300), String(repeating: "\"\\\n", count: 100)] {
            var out: [UInt8] = Array("[".utf8)
            JSONString.append(value, to: &out)
            out.append(UInt8(ascii: "]"))
            let decoded = try JSONSerialization.jsonObject(with: Data(out)) as? [String]
            #expect(decoded == [value])
        }
    }

}

extension JSONString {
    /// Appends `value` as a JSON string literal, with room for its worst case (what the
    /// plan's writer reserves for each string).
    static func append(_ value: String, to out: inout [UInt8]) {
        out.append(addingCapacity: 2 + 6 * value.utf8.count) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                var json = JSONOutput(buffer.baseAddress!, at: initialized)
                json.string(value)
                initialized = json.position
            }
        }
    }
}
