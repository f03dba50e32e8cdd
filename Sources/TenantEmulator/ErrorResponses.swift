import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Turns anything a handler throws into the answer Auth0 would give, so that middleware can
/// log it and stamp headers on it.
enum ErrorResponses {
    static func respond(
        _ request: Request,
        _ context: EmulatorContext,
        _ next: (Request, EmulatorContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as Auth0ErrorBody {
            return try error.response(from: request, context: context)
        } catch let error as OAuthErrorBody {
            return try error.response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            return Response.json(Auth0ErrorBody.payloadTooLarge.json, status: .contentTooLarge)
        } catch let error as HTTPError {
            // Router misses (unknown routes, wrong methods) and Hummingbird's own errors.
            let message = error.status == .notFound ? "Not Found" : (error.body ?? error.status.reasonPhrase)
            return Response.json(Auth0ErrorBody(status: error.status, message: message).json, status: error.status)
        }
    }
}

extension Request {
    /// The JSON body: at most 1 MB (413 above), well-formed (400 otherwise).
    mutating func jsonBody() async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: RequestBodyLimit.bytes)
        } catch is NIOTooManyBytesError {
            throw Auth0ErrorBody.payloadTooLarge
        }
        do {
            return try JSONValue.decode(buffer.readableBytesView)
        } catch {
            throw Auth0ErrorBody.badRequest("Invalid request payload JSON format")
        }
    }

    /// The last path parameter `name`, percent-decoded (`auth0%7Cabc` → `auth0|abc`,
    /// `%2F` → `/`; a `+` stays a `+`).
    func decodedParameter(_ name: String, context: EmulatorContext) throws -> String {
        let raw = try context.parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw Auth0ErrorBody.badRequest("Invalid URI: bad percent-encoding", errorCode: "invalid_uri")
        }
        return decoded
    }

    /// `X-Correlation-ID`, when sent.
    var correlationID: String? {
        headers[HTTPField.Name("X-Correlation-ID")!]
    }

    /// `http://host:port` as the client addressed the emulator.
    func baseURL(fallbackHost: String, fallbackPort: Int) -> String {
        if let authority = head.authority, !authority.isEmpty { return "http://\(authority)" }
        return "http://\(fallbackHost):\(fallbackPort)"
    }
}
