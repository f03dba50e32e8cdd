import Hummingbird

/// An error answered with the Management API's error body:
/// `{"statusCode":404,"error":"Not Found","message":"…","errorCode":"inexistent_user"}`.
package struct Auth0ErrorBody: Error, Sendable, Equatable {
    /// The HTTP status, also written as the number `statusCode`.
    package var status: HTTPResponse.Status
    /// The human message.
    package var message: String
    /// Auth0's machine code; absent for some errors (401, unknown routes).
    package var errorCode: String?

    package init(status: HTTPResponse.Status, message: String, errorCode: String? = nil) {
        self.status = status
        self.message = message
        self.errorCode = errorCode
    }

    /// The JSON body.
    package var json: JSONValue {
        var body: [String: JSONValue] = [
            "statusCode": .int(status.code),
            "error": .string(errorName),
            "message": .string(message),
        ]
        if let errorCode { body["errorCode"] = .string(errorCode) }
        return .object(body)
    }

    /// The `error` member: the status's name as Auth0 (hapi) spells it.
    var errorName: String {
        switch status.code {
        case 413: "Request Entity Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: status.reasonPhrase.isEmpty ? "Error" : status.reasonPhrase
        }
    }

    static func badRequest(_ message: String, errorCode: String = "invalid_body") -> Self {
        .init(status: .badRequest, message: message, errorCode: errorCode)
    }
    static let invalidToken = Self(status: .unauthorized, message: "Invalid token.")
    static func insufficientScope(_ expected: [String]) -> Self {
        .init(
            status: .forbidden,
            message: "Insufficient scope, expected any of: \(expected.joined(separator: ","))",
            errorCode: "insufficient_scope"
        )
    }
    static let inexistentUser = Self(
        status: .notFound, message: "The user does not exist.", errorCode: "inexistent_user")
    static let notFound = Self(status: .notFound, message: "Not Found")
    static let tooManyRequests = Self(
        status: .tooManyRequests,
        message: "Global limit has been reached",
        errorCode: "too_many_requests"
    )
    static let payloadTooLarge = Self(
        status: .contentTooLarge,
        message: "Payload content length greater than maximum allowed: 1048576"
    )
}

extension Auth0ErrorBody: HTTPResponseError {
    package var headers: HTTPFields { [:] }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(json, status: status)
    }
}

/// The OAuth error body of `/oauth/token`: `{"error":"access_denied","error_description":"Unauthorized"}`.
struct OAuthErrorBody: Error, Sendable, HTTPResponseError {
    var status: HTTPResponse.Status
    var error: String
    var description: String

    var headers: HTTPFields { [:] }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(["error": .string(error), "error_description": .string(description)], status: status)
    }

    static let unauthorized = Self(status: .unauthorized, error: "access_denied", description: "Unauthorized")
}

extension Response {
    /// A JSON answer.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.encoded()))
        )
    }
}
