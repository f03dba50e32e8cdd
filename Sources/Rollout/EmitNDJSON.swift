import Foundation
import MFARollout
import ManagementAPI

/// NDJSON: one request a line, keys sorted (invisible and control characters in strings as
/// `\u` escapes, see `VisibleText.json`), e.g.
/// `{"action":"enable","body":{"app_metadata":{"use_mfa":true}},"correlation_id":"op_…","method":"PATCH","operation_id":"op_…","path":"/api/v2/users/auth0%7Cabc","user_id":"auth0|abc"}`.
package enum EmitNDJSON {
    struct Line: Encodable {
        var action: String
        var body: [String: [String: JSONValue]]
        var correlationID: String
        var method: String
        var operationID: String
        var path: String
        var userID: String

        enum CodingKeys: String, CodingKey {
            case action, body, method, path
            case correlationID = "correlation_id"
            case operationID = "operation_id"
            case userID = "user_id"
        }
    }

    /// Writes a line for each of `requests`, each ending in `\n`.
    static func write(_ requests: some Sequence<EmittedRequest>, to output: inout EmitOutput) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for request in requests {
            let line = Line(
                action: request.action.rawValue, body: request.bodyValue, correlationID: request.correlationID,
                method: request.method, operationID: request.operationID, path: request.path, userID: request.userID)
            // Strings, booleans and null always encode.
            try output.append(VisibleText.json((try? encoder.encode(line)) ?? Data()))
            try output.append(CollectionOfOne(UInt8(ascii: "\n")))
        }
    }
}
