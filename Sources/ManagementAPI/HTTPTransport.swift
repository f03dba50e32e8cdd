import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP answer with its body collected.
struct HTTPExchange: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
}

/// The thin layer over AsyncHTTPClient: sends one request, collects the answer, and turns
/// failures into ``ManagementAPIError/transport(kind:underlying:operation:)``.
struct HTTPTransport: Sendable {
    let client: HTTPClient
    /// Deadline for the answer's head.
    let timeout: TimeAmount
    /// Largest body collected for an API answer.
    var maxBodyBytes = 16 * 1024 * 1024

    func send(
        method: HTTPMethod,
        url: String,
        headers: HTTPHeaders,
        body: [UInt8]?,
        operation: String
    ) async throws(ManagementAPIError) -> HTTPExchange {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: maxBodyBytes)
            return HTTPExchange(
                status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
        } catch {
            throw Self.classify(error, operation: operation)
        }
    }

    /// Sends a GET and hands back the response with its body unread, for streaming.
    func open(url: String, headers: HTTPHeaders, operation: String) async throws(ManagementAPIError)
        -> HTTPClientResponse
    {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers = headers
        do {
            return try await client.execute(request, timeout: timeout)
        } catch {
            throw Self.classify(error, operation: operation)
        }
    }

    /// Maps a thrown error to a typed one, keeping the underlying description.
    static func classify(_ error: any Error, operation: String) -> ManagementAPIError {
        if let error = error as? ManagementAPIError { return error }
        if error is CancellationError { return .cancelled }
        let underlying = String(describing: error)
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled:
                return .cancelled
            case .readTimeout, .writeTimeout, .connectTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout,
                .socksHandshakeTimeout, .httpProxyHandshakeTimeout:
                return .transport(kind: .timeout, underlying: underlying, operation: operation)
            case .tlsHandshakeTimeout:
                return .transport(kind: .timeout, underlying: underlying, operation: operation)
            case .remoteConnectionClosed:
                return .transport(kind: .connectionReset, underlying: underlying, operation: operation)
            case .invalidURL, .emptyHost, .emptyScheme, .alreadyShutdown:
                return .invalidRequest(reason: "\(operation): \(underlying)")
            default:
                return .transport(kind: .other, underlying: underlying, operation: operation)
            }
        }
        if let error = error as? NIOTooManyBytesError {
            return .invalidResponse(status: 0, reason: "the answer body is too large (\(error))", operation: operation)
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNRESET, EPIPE, ECONNABORTED:
                return .transport(kind: .connectionReset, underlying: underlying, operation: operation)
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH:
                return .transport(kind: .connectFailed, underlying: underlying, operation: operation)
            case ETIMEDOUT:
                return .transport(kind: .timeout, underlying: underlying, operation: operation)
            default:
                return .transport(kind: .other, underlying: underlying, operation: operation)
            }
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return .transport(kind: .timeout, underlying: underlying, operation: operation)
            case .ioOnClosedChannel, .outputClosed, .inputClosed, .eof, .alreadyClosed:
                return .transport(kind: .connectionReset, underlying: underlying, operation: operation)
            default:
                return .transport(kind: .other, underlying: underlying, operation: operation)
            }
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("NIOSSL") || typeName.contains("BoringSSL") {
            return .transport(kind: .tls, underlying: underlying, operation: operation)
        }
        if typeName.contains("NIOConnectionError") || typeName.contains("SingleConnectionFailure") {
            return .transport(kind: .connectFailed, underlying: underlying, operation: operation)
        }
        return .transport(kind: .other, underlying: underlying, operation: operation)
    }
}
