import MFARollout

/// A compact binary form of ``JSONValue``, how ``UserTable`` keeps each user.
///
/// A value is a tag byte, then: nothing (null, false, true), a zigzag varint (integer), eight
/// bytes (a double's bit pattern), a varint length and UTF-8 (string), a varint count and the
/// items (array), or a varint count and pairs of a key number and a value (object). Object keys
/// are numbers into a ``PackedKeys`` table, so a key that every user has costs a byte or two.
/// Decoding gives back exactly the value that was encoded.
enum PackedJSON {
    enum Tag: UInt8 {
        case null = 0
        case `false` = 1
        case `true` = 2
        case int = 3
        case double = 4
        case string = 5
        case array = 6
        case object = 7
    }

    /// Appends `value`, numbering its object keys in `keys`.
    static func append(_ value: JSONValue, to bytes: inout [UInt8], keys: inout PackedKeys) {
        switch value {
        case .null: bytes.append(Tag.null.rawValue)
        case .bool(let flag): bytes.append(flag ? Tag.true.rawValue : Tag.false.rawValue)
        case .int(let number): appendInt(number, to: &bytes)
        case .double(let number):
            bytes.append(Tag.double.rawValue)
            var bits = number.bitPattern
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
            }
        case .string(let text): appendString(text.utf8, to: &bytes)
        case .array(let items):
            bytes.append(Tag.array.rawValue)
            appendVarint(UInt64(items.count), to: &bytes)
            for item in items { append(item, to: &bytes, keys: &keys) }
        case .object(let members):
            bytes.append(Tag.object.rawValue)
            appendVarint(UInt64(members.count), to: &bytes)
            for (key, member) in members {
                appendVarint(UInt64(keys.number(of: key)), to: &bytes)
                append(member, to: &bytes, keys: &keys)
            }
        }
    }

    /// Appends an integer value.
    @inline(__always)
    static func appendInt(_ number: Int, to bytes: inout [UInt8]) {
        bytes.append(Tag.int.rawValue)
        appendVarint(UInt64(bitPattern: Int64((number << 1) ^ (number >> (Int.bitWidth - 1)))), to: &bytes)
    }

    /// Appends a string value from its UTF-8.
    @inline(__always)
    static func appendString(_ utf8: some Collection<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(Tag.string.rawValue)
        appendVarint(UInt64(utf8.count), to: &bytes)
        bytes.append(contentsOf: utf8)
    }

    /// Appends an unsigned LEB128 number.
    @inline(__always)
    static func appendVarint(_ number: UInt64, to bytes: inout [UInt8]) {
        var rest = number
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Reads packed values out of `bytes`, starting at `position`.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int
        let keys: PackedKeys

        mutating func varint() -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = bytes[position]
                position += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
        }

        mutating func value() -> JSONValue {
            let tag = Tag(rawValue: bytes[position])
            position += 1
            switch tag {
            case .null?, nil: return .null
            case .false?: return .bool(false)
            case .true?: return .bool(true)
            case .int?:
                let zigzag = varint()
                return .int(Int(Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)))
            case .double?:
                var bits: UInt64 = 0
                for index in 0..<8 { bits |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
                position += 8
                return .double(Double(bitPattern: bits))
            case .string?: return .string(string())
            case .array?:
                let count = Int(varint())
                var items: [JSONValue] = []
                items.reserveCapacity(count)
                for _ in 0..<count { items.append(value()) }
                return .array(items)
            case .object?:
                let count = Int(varint())
                var members: [String: JSONValue] = [:]
                members.reserveCapacity(count)
                for _ in 0..<count {
                    let key = keys.name(Int(varint()))
                    members[key] = value()
                }
                return .object(members)
            }
        }

        /// A varint length and that many bytes of UTF-8 (the tag already read).
        mutating func string() -> String {
            let count = Int(varint())
            let utf8 = UnsafeBufferPointer(rebasing: bytes[position..<position + count])
            let text = String(decoding: utf8, as: UTF8.self)
            position += count
            return text
        }
    }
}

/// The object keys of a ``UserTable``, numbered in the order they were first seen.
typealias PackedKeys = NumberedNames
