import Foundation
import Testing

@testable import MFARollout

/// The fast operation-line decoder against its reference, `JSONDecoder`: on lines the writer
/// writes, and on lines edited and damaged every way a byte can be.
@Suite("plan operation lines: fast decoder against JSONDecoder")
struct OperationLineDecoderTests {
    static let values = [
        "auth0|1", "samlp|my-connection|jane@example.com", "a/b", "quote\"back\\slash", "new\nline\ttab",
        "ctrl\u{01}\u{1F}", "ünïcødé-😀", "", " spaced ", "{\"json\":[1]}",
    ]

    static func operations() -> [PlanOperation] {
        var operations: [PlanOperation] = []
        var line = 0
        for (index, value) in values.enumerated() {
            for action in PlanAction.allCases {
                for current in [FlagValue.on, .off, .absent, .other] {
                    line = (line * 7 + index + 1) % 1_000_000_007
                    var operation = PlanOperation(
                        id: "op_" + value, userID: value, action: action, current: current, reason: "rule " + value,
                        email: index % 3 == 0 ? nil : value + "@x.com", connection: index % 4 == 1 ? nil : value,
                        file: "users-\(index).csv", line: line)
                    // The source key (issue 22): absent from the line, or before and after, each null or a string.
                    switch operations.count % 5 {
                    case 0: operation.source = nil
                    case 1: operation.source = SourceChange(current: nil, desired: "mfa-rollout")
                    case 2: operation.source = SourceChange(current: "mfa-rollout", desired: nil)
                    case 3: operation.source = SourceChange(current: value, desired: value)
                    default: operation.source = SourceChange(current: nil, desired: nil)
                    }
                    operations.append(operation)
                }
            }
        }
        var large = operations[0]
        large.line = Int(Int32.max) * 1000
        operations.append(large)
        var zero = operations[1]
        zero.line = 0
        operations.append(zero)
        return operations
    }

    static func line(_ operation: PlanOperation) -> [UInt8] {
        var bytes: [UInt8] = []
        operation.withFields { $0.appendJSON(to: &bytes) }
        return bytes
    }

    /// What each decoder makes of `bytes`: the operation, or nil when it refuses.
    static func readings(_ bytes: [UInt8]) -> (
        fast: PlanOperation?, reference: PlanOperation?, combined: PlanOperation?
    ) {
        bytes.withUnsafeBytes { raw in
            (
                OperationLineDecoder.decodeFast(raw), try? OperationLineDecoder.decodeReference(raw),
                try? OperationLineDecoder.decode(raw)
            )
        }
    }

    @Test("every written operation is read back by the fast decoder as JSONDecoder reads it")
    func writtenLines() {
        for operation in Self.operations() {
            let bytes = Self.line(operation)
            let (fast, reference, combined) = Self.readings(bytes)
            #expect(reference == operation)
            #expect(combined == operation)
            // Values with escapes are left to the reference; all others are read fast.
            let escaped = String(decoding: bytes, as: UTF8.self).contains("\\")
            #expect(escaped ? fast == nil : fast == operation, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test("an edited or damaged line: the fast decoder accepts only what JSONDecoder accepts, and reads it the same")
    func damagedLines() {
        var generator = SystemRandomNumberGenerator()
        let replacements: [UInt8] = [
            0x20, 0x22, 0x5C, 0x2C, 0x3A, 0x7B, 0x7D, 0x30, 0x39, 0x61, 0x00, 0x0A, 0xFF, 0xC3,
        ]
        var fastAccepted = 0
        for operation in Self.operations().prefix(40) {
            let bytes = Self.line(operation)
            for index in bytes.indices {
                var edits: [[UInt8]] = []
                var replaced = bytes
                replaced[index] = replacements.randomElement(using: &generator)!
                edits.append(replaced)
                var removed = bytes
                removed.remove(at: index)
                edits.append(removed)
                var inserted = bytes
                inserted.insert(replacements.randomElement(using: &generator)!, at: index)
                edits.append(inserted)
                for edited in edits {
                    let (fast, reference, combined) = Self.readings(edited)
                    if let fast {
                        fastAccepted += 1
                        #expect(reference == fast, "\(String(decoding: edited, as: UTF8.self))")
                    }
                    #expect(combined == reference, "\(String(decoding: edited, as: UTF8.self))")
                }
            }
        }
        // Some edits keep the writer's form (a letter for a letter in a value): the fast path ran.
        #expect(fastAccepted > 0)
    }

    @Test("lines valid to JSONDecoder but not in the writer's form are read by the reference")
    func otherForms() throws {
        let operation = Self.operations()[5]
        let text = String(decoding: Self.line(operation), as: UTF8.self)
        let variants = [
            text.replacingOccurrences(of: ",\"id\":", with: ", \"id\" : "),
            text.replacingOccurrences(of: "{\"action\"", with: "{ \"action\""),
            "{\"user_id\":\(try String(decoding: JSONEncoder().encode(operation.userID), as: UTF8.self)),"
                + text.dropFirst(),
            text.replacingOccurrences(of: "\"line\":\(operation.line)", with: "\"line\":\(operation.line).0"),
        ]
        for variant in variants {
            let (fast, reference, combined) = Self.readings(Array(variant.utf8))
            #expect(fast == nil, "\(variant)")
            #expect(combined == reference, "\(variant)")
        }
        // Leading zeros are not JSON: both refuse.
        let zeros = Array(text.replacingOccurrences(of: "\"line\":", with: "\"line\":00").utf8)
        #expect(Self.readings(zeros).fast == nil)
        #expect(Self.readings(zeros).combined == Self.readings(zeros).reference)
    }
}
