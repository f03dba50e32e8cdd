import Foundation

@testable import TenantEmulator

/// RFC 6902 JSON Patch (add, remove, replace, move, copy) on objects, enough to apply
/// `scripts/conformance/spec/exceptions.json` to the vendored spec subset as the conformance
/// script does.
enum JSONPatch {
    enum Failure: Error, CustomStringConvertible {
        case badOperation(JSONValue)
        case missing(String)

        var description: String {
            switch self {
            case .badOperation(let operation): "unsupported patch operation \(operation.encodedText)"
            case .missing(let pointer): "nothing at \(pointer)"
            }
        }
    }

    static func apply(_ operations: [JSONValue], to document: JSONValue) throws -> JSONValue {
        var document = document
        for operation in operations {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw Failure.badOperation(operation)
            }
            switch op {
            case "add":
                guard let value = operation["value"] else { throw Failure.badOperation(operation) }
                document = try set(value, at: tokens(path)[...], in: document, mustExist: false, pointer: path)
            case "replace":
                guard let value = operation["value"] else { throw Failure.badOperation(operation) }
                document = try set(value, at: tokens(path)[...], in: document, mustExist: true, pointer: path)
            case "remove":
                document = try remove(at: tokens(path)[...], in: document, pointer: path)
            case "move", "copy":
                guard let from = operation["from"]?.stringValue else { throw Failure.badOperation(operation) }
                guard let value = value(at: from, in: document) else { throw Failure.missing(from) }
                if op == "move" { document = try remove(at: tokens(from)[...], in: document, pointer: from) }
                document = try set(value, at: tokens(path)[...], in: document, mustExist: false, pointer: path)
            default:
                throw Failure.badOperation(operation)
            }
        }
        return document
    }

    /// The value a JSON Pointer names, nil when there is none.
    static func value(at pointer: String, in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens(pointer) {
            guard let next = current[token] else { return nil }
            current = next
        }
        return current
    }

    static func tokens(_ pointer: String) -> [String] {
        pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func set(
        _ value: JSONValue, at tokens: ArraySlice<String>, in container: JSONValue, mustExist: Bool, pointer: String
    ) throws -> JSONValue {
        guard let token = tokens.first else { return value }
        guard case .object(var members) = container else { throw Failure.missing(pointer) }
        if tokens.count == 1 {
            if mustExist, members[token] == nil { throw Failure.missing(pointer) }
            members[token] = value
        } else {
            guard let child = members[token] else { throw Failure.missing(pointer) }
            members[token] = try set(value, at: tokens.dropFirst(), in: child, mustExist: mustExist, pointer: pointer)
        }
        return .object(members)
    }

    private static func remove(at tokens: ArraySlice<String>, in container: JSONValue, pointer: String) throws
        -> JSONValue
    {
        guard let token = tokens.first, case .object(var members) = container, let child = members[token] else {
            throw Failure.missing(pointer)
        }
        if tokens.count == 1 {
            members[token] = nil
        } else {
            members[token] = try remove(at: tokens.dropFirst(), in: child, pointer: pointer)
        }
        return .object(members)
    }
}
