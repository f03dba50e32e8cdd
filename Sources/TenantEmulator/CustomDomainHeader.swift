import HTTPTypes
import Hummingbird

/// The `auth0-custom-domain` request header the spec lists on `PATCH /api/v2/users/{id}` and the
/// ticket POST: which of the tenant's custom domains Auth0's emails and links use. The emulated
/// tenant has none; the header's length is checked as the spec describes, then it is ignored.
enum CustomDomainHeader {
    static let name = "auth0-custom-domain"

    /// The headers of both operations that take it.
    static let schema = ObjectSchema(
        specName: "auth0-custom-domain",
        properties: [(name, .init([.string], minLength: 3, maxLength: 255))],
        additionalProperties: true
    )

    /// 400 invalid_headers when the header is sent with a value the spec refuses.
    static func check(_ request: Request) throws(Auth0ErrorBody) {
        guard let value = request.headers[HTTPField.Name(name)!] else { return }
        _ = try SchemaValidator.validate([name: .string(value)], against: schema, in: .headers)
    }
}
