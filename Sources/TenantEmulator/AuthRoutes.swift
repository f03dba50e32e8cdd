import Foundation
import Hummingbird

/// `POST /oauth/token`: the client-credentials grant, form-encoded or JSON.
enum AuthRoutes {
    struct TokenRequest: Decodable {
        var grant_type: String?
        var client_id: String?
        var client_secret: String?
        var audience: String?
    }

    static func add(to router: Router<EmulatorContext>, tenant: Tenant) {
        router.post("/oauth/token") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            let text = String(buffer: body)
            let form: TokenRequest
            do {
                let isJSON = request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true
                if isJSON || text.drop(while: \.isWhitespace).hasPrefix("{") {
                    form = try JSONDecoder().decode(TokenRequest.self, from: Data(text.utf8))
                } else {
                    form = try URLEncodedFormDecoder().decode(TokenRequest.self, from: text)
                }
            } catch {
                throw OAuthErrorBody(status: .badRequest, error: "invalid_request", description: "Invalid request body")
            }
            guard form.grant_type == "client_credentials" else {
                throw OAuthErrorBody(
                    status: .forbidden,
                    error: "unauthorized_client",
                    description: "Grant type '\(form.grant_type ?? "")' not allowed for the client."
                )
            }
            let configuration = tenant.configuration
            // Constant-time comparison is not needed for a local emulator; never echo either value.
            guard form.client_id == configuration.clientID, form.client_secret == configuration.clientSecret else {
                throw OAuthErrorBody.unauthorized
            }
            guard let audience = form.audience, !audience.isEmpty else {
                throw OAuthErrorBody(
                    status: .forbidden,
                    error: "access_denied",
                    description: "No audience parameter was provided, and no default audience has been configured"
                )
            }
            guard audienceMatches(audience, authority: request.head.authority) else {
                throw OAuthErrorBody(status: .forbidden, error: "access_denied", description: "Service not found: \(audience)")
            }
            let token = await tenant.tokens.issue(scopes: configuration.scopes, ttl: configuration.tokenTTL)
            return Response.json([
                "access_token": .string(token),
                "expires_in": .int(Int(configuration.tokenTTL)),
                "scope": .string(configuration.scopes.joined(separator: " ")),
                "token_type": "Bearer",
            ])
        }
    }

    /// The emulator's own Management API: `http://HOST:PORT/api/v2/` (trailing slash optional)
    /// where HOST:PORT is how the client reached it; `localhost` and `127.0.0.1` are the same host.
    static func audienceMatches(_ audience: String, authority: String?) -> Bool {
        guard let url = URL(string: audience), let host = url.host,
            url.path == "/api/v2" || url.path == "/api/v2/",
            let authority
        else { return false }
        let parts = authority.split(separator: ":", maxSplits: 1)
        let requestHost = parts.first.map(String.init) ?? ""
        let requestPort = parts.count == 2 ? Int(parts[1]) : 80
        let audiencePort = url.port ?? (url.scheme == "https" ? 443 : 80)
        let loopback: Set<String> = ["127.0.0.1", "localhost", "[::1]", "::1"]
        let sameHost = host.lowercased() == requestHost.lowercased()
            || (loopback.contains(host.lowercased()) && loopback.contains(requestHost.lowercased()))
        return sameHost && audiencePort == requestPort
    }
}
