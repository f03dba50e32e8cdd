import Foundation

/// Reads a `--state` file (a JSON array of users, as ``TenantStore/save(to:)`` writes it) one
/// user at a time, so that a large tenant is never held as one decoded array. Gives the same
/// users as ``TenantStore/loadUsers(from:)``.
enum StateFile {
    /// Why a state file is refused.
    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "byte \(offset): \(reason)" }
    }

    /// Calls `body` with each user of the array in `path`, in order.
    static func forEachUser(inFile path: String, _ body: (User) throws -> Void) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try forEachUser(in: bytes, body)
    }

    /// Calls `body` with each user of the JSON array `bytes`, in order.
    static func forEachUser(in bytes: [UInt8], _ body: (User) throws -> Void) throws {
        let decoder = JSONDecoder()
        var position = skipSpace(bytes, 0)
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else {
            throw Malformed(offset: position, reason: "expected a JSON array of users")
        }
        position = skipSpace(bytes, position + 1)
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                let end = try elementEnd(bytes, from: position)
                try body(try decoder.decode(User.self, from: Data(bytes[position..<end])))
                position = skipSpace(bytes, end)
                guard position < bytes.count else { throw Malformed(offset: position, reason: "unterminated array") }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    break
                }
                guard bytes[position] == UInt8(ascii: ",") else {
                    throw Malformed(offset: position, reason: "expected , or ]")
                }
                position = skipSpace(bytes, position + 1)
            }
        }
        guard skipSpace(bytes, position) == bytes.count else {
            throw Malformed(offset: position, reason: "data after the array")
        }
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var position = start
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        return position
    }

    /// Where the array element starting at `start` ends: after its closing bracket, or at the
    /// `,` or `]` after a scalar. Strings (with escapes) are skipped whole.
    private static func elementEnd(_ bytes: [UInt8], from start: Int) throws -> Int {
        var depth = 0
        var position = start
        var inString = false
        while position < bytes.count {
            let byte = bytes[position]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return position + 1 }
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return position }
                    depth -= 1
                    if depth == 0 { return position + 1 }
                case UInt8(ascii: ","):
                    if depth == 0 { return position }
                default: break
                }
            }
            position += 1
        }
        throw Malformed(offset: start, reason: "unterminated value")
    }
}
