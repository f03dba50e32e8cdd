import Foundation

/// Decodes one operation of a plan file: the JSON object on one line of its `operations`.
///
/// The plan's writer puts every operation in one exact form (``OperationFields/writeJSON(to:)``:
/// sorted keys, no spaces, no escapes in ordinary values). ``decodeFast(_:)`` reads that form
/// directly from the bytes; any line not in it (an escape, a space, another key order, a number
/// that is not plain digits, bytes that are not UTF-8) it leaves to ``decodeReference(_:)``,
/// `JSONDecoder`, so the pair accepts exactly what `JSONDecoder` accepts and reads it the same
/// way. The tests compare the two on written, edited and damaged lines.
package enum OperationLineDecoder {
    /// The operation `object` (one JSON object, without the line's indentation or comma) holds:
    /// the fast reading where the line is in the writer's form, else `JSONDecoder`'s.
    /// - Throws: `DecodingError` when the line is not a valid operation.
    package static func decode(_ object: UnsafeRawBufferPointer) throws -> PlanOperation {
        if let operation = decodeFast(object) { return operation }
        return try decodeReference(object)
    }

    /// The reference: `JSONDecoder` on the object's bytes.
    package static func decodeReference(_ object: UnsafeRawBufferPointer) throws -> PlanOperation {
        try JSONDecoder().decode(PlanOperation.self, from: Data(object))
    }

    /// The operation, when `object` is exactly in the writer's form; nil otherwise (which says
    /// nothing about whether it is valid: ask ``decodeReference(_:)``).
    package static func decodeFast(_ object: UnsafeRawBufferPointer) -> PlanOperation? {
        var scanner = Scanner(object)
        guard scanner.literal("{\"action\":\""), let action = scanner.enumValue(PlanAction.self) else { return nil }
        var connection: String?
        if scanner.literal(",\"connection\":\"") {
            guard let value = scanner.string() else { return nil }
            connection = value
        }
        guard scanner.literal(",\"current\":\""), let current = scanner.enumValue(FlagValue.self),
            scanner.literal(",\"desired\":\""), let desired = scanner.enumValue(FlagValue.self)
        else { return nil }
        var email: String?
        if scanner.literal(",\"email\":\"") {
            guard let value = scanner.string() else { return nil }
            email = value
        }
        guard scanner.literal(",\"file\":\""), let file = scanner.string(),
            scanner.literal(",\"id\":\""), let id = scanner.string(),
            scanner.literal(",\"line\":"), let line = scanner.decimal(),
            scanner.literal(",\"reason\":\""), let reason = scanner.string()
        else { return nil }
        var source: SourceChange?
        if scanner.literal(",\"source_current\":") {
            guard let current = scanner.nullableString(), scanner.literal(",\"source_desired\":"),
                let desired = scanner.nullableString()
            else { return nil }
            source = SourceChange(current: current, desired: desired)
        }
        guard scanner.literal(",\"user_id\":\""), let userID = scanner.string(),
            scanner.literal("}"), scanner.atEnd
        else { return nil }
        var operation = PlanOperation(
            id: id, userID: userID, action: action, current: current, reason: reason, email: email,
            connection: connection, file: file, line: line)
        operation.desired = desired
        operation.source = source
        return operation
    }

    /// Reads the writer's form left to right; every method leaves the position unspecified
    /// when it fails (the caller then gives up on the line).
    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        init(_ bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        var atEnd: Bool { position == bytes.count }

        /// Consumes `text` when the bytes continue with it.
        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.count - position >= count, let base = bytes.baseAddress,
                POSIX.equal(base + position, text.utf8Start, count: count)
            else { return false }
            position += count
            return true
        }

        /// The rest of a string whose opening quote is consumed, up to and past its closing
        /// quote; nil for an escape, a control character or bytes that are not UTF-8.
        mutating func string() -> String? {
            guard let base = bytes.baseAddress,
                let quote = POSIX.find(UInt8(ascii: "\""), in: base + position, count: bytes.count - position)
            else { return nil }
            let end = quote - base
            let value = UnsafeRawBufferPointer(rebasing: bytes[position..<end])
            guard !JSONString.needsEscaping(value.assumingMemoryBound(to: UInt8.self)) else { return nil }
            position = end + 1
            return String(validating: value, as: UTF8.self)
        }

        /// `null` (`.some(nil)`) or a whole string with its opening quote (`.some(value)`);
        /// nil when neither is next.
        mutating func nullableString() -> String?? {
            if literal("null") { return .some(nil) }
            guard literal("\""), let value = string() else { return nil }
            return .some(value)
        }

        /// A string that is one of `Value`'s raw values.
        mutating func enumValue<Value: RawRepresentable<String>>(_: Value.Type) -> Value? {
            string().flatMap(Value.init(rawValue:))
        }

        /// A non-negative integer in plain digits, no leading zero, at most 18 digits.
        mutating func decimal() -> Int? {
            var value = 0
            let start = position
            while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 0x30)
                position += 1
                if position - start > 18 { return nil }
            }
            let digits = position - start
            guard digits > 0, digits == 1 || bytes[start] != 0x30 else { return nil }
            return value
        }
    }
}
