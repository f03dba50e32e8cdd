import Foundation

/// The body of a Management API error response:
/// `{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`.
///
/// `statusCode` is a number in real responses and a string in the published spec; both decode.
/// Every field is optional so a partial body still decodes.
package struct Auth0ErrorBody: Sendable, Equatable, Decodable, CustomStringConvertible {
    package var statusCode: Int?
    package var error: String?
    package var message: String?
    package var errorCode: String?

    package init(statusCode: Int? = nil, error: String? = nil, message: String? = nil, errorCode: String? = nil) {
        self.statusCode = statusCode
        self.error = error
        self.message = message
        self.errorCode = errorCode
    }

    private enum CodingKeys: String, CodingKey {
        case statusCode, error, message, errorCode
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let number = try? container.decodeIfPresent(Int.self, forKey: .statusCode) {
            statusCode = number
        } else if let text = try? container.decodeIfPresent(String.self, forKey: .statusCode) {
            statusCode = Int(text.trimmingCharacters(in: .whitespaces))
        } else {
            statusCode = nil
        }
        error = try? container.decodeIfPresent(String.self, forKey: .error)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        errorCode = try? container.decodeIfPresent(String.self, forKey: .errorCode)
    }

    /// Decodes `bytes`, or returns nil when they are not a JSON object with any known field.
    package static func decode(_ bytes: [UInt8]) -> Auth0ErrorBody? {
        guard let body = try? JSONDecoder().decode(Auth0ErrorBody.self, from: Data(bytes)) else { return nil }
        if body.statusCode == nil, body.error == nil, body.message == nil, body.errorCode == nil { return nil }
        return body
    }

    package var description: String {
        var parts: [String] = []
        if let error { parts.append(error) }
        if let errorCode { parts.append("(\(errorCode))") }
        var text = parts.joined(separator: " ")
        if let message { text += text.isEmpty ? message : ": \(message)" }
        return text
    }
}
