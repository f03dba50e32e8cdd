import Hummingbird
import NIOCore

/// The body of a Management API request in either media type the spec lists for it, JSON or
/// `application/x-www-form-urlencoded`, as one JSON value for ``SchemaValidator``.
extension Request {
    /// Whether the body is declared form-encoded.
    var isFormEncoded: Bool {
        guard let type = headers[.contentType] else { return false }
        return type.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            == "application/x-www-form-urlencoded"
    }

    /// The body: at most 1 MB (413 above). Form fields are typed by `schema`
    /// (``FormFields/typed(by:)``); anything else is read as JSON (400 when malformed). An empty
    /// body is an empty object, as the spec marks these bodies optional.
    mutating func content(typedBy schema: ObjectSchema) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: RequestBodyLimit.bytes)
        } catch is NIOTooManyBytesError {
            throw Auth0ErrorBody.payloadTooLarge
        }
        let bytes = buffer.readableBytesView
        if isFormEncoded {
            guard let fields = FormFields(String(decoding: bytes, as: UTF8.self)) else {
                throw Auth0ErrorBody.badRequest("Invalid request payload: malformed form encoding")
            }
            return fields.typed(by: schema)
        }
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return .object([:]) }
        do {
            return try JSONValue.decode(bytes)
        } catch {
            throw Auth0ErrorBody.badRequest("Invalid request payload JSON format")
        }
    }

    /// The query string typed by `schema` and checked against it (400 invalid_query_string).
    func query(checkedAgainst schema: ObjectSchema) throws(Auth0ErrorBody) -> [String: JSONValue] {
        guard let fields = FormFields(uri.query ?? "") else {
            throw Auth0ErrorBody.badRequest("Invalid URI: bad percent-encoding in the query", errorCode: "invalid_uri")
        }
        return try SchemaValidator.validate(fields.typed(by: schema), against: schema, in: .query)
    }
}
