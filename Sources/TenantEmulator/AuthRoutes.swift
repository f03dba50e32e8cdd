import Foundation
import Hummingbird

/// `POST /oauth/token`: the client-credentials grant, form-encoded or JSON, with RFC 6749's
/// errors: a missing parameter is `invalid_request` (400), an unknown grant type
/// `unsupported_grant_type` (400), a grant type Auth0 knows but this client may not use
/// `unauthorized_client` (403, as Auth0 answers it). Unknown parameters are ignored, however often
/// they are sent; a known one sent twice is `invalid_request`; one sent empty counts as absent.
enum AuthRoutes {
    /// The parameters this endpoint reads.
    static let parameters: Set<String> = ["grant_type", "client_id", "client_secret", "audience"]

    /// Grant types Auth0 issues tokens for, which the emulated client is not allowed.
    static let otherGrantTypes: Set<String> = [
        "authorization_code", "password", "refresh_token", "implicit",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "urn:ietf:params:oauth:grant-type:token-exchange",
        "urn:openid:params:grant-type:ciba",
        "http://auth0.com/oauth/grant-type/password-realm",
        "http://auth0.com/oauth/grant-type/passwordless/otp",
        "http://auth0.com/oauth/grant-type/mfa-oob",
        "http://auth0.com/oauth/grant-type/mfa-otp",
        "http://auth0.com/oauth/grant-type/mfa-recovery-code",
    ]

    static func add(to router: Router<EmulatorContext>, tenant: Tenant) {
        router.post("/oauth/token") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            let form = try tokenParameters(String(buffer: body), contentType: request.headers[.contentType])
            guard let grantType = form["grant_type"] else {
                throw OAuthErrorBody(
                    status: .badRequest, error: "invalid_request", description: "Missing required parameter: grant_type"
                )
            }
            guard grantType == "client_credentials" else {
                if otherGrantTypes.contains(grantType) {
                    throw OAuthErrorBody(
                        status: .forbidden,
                        error: "unauthorized_client",
                        description: "Grant type '\(grantType)' not allowed for the client."
                    )
                }
                throw OAuthErrorBody(
                    status: .badRequest, error: "unsupported_grant_type",
                    description: "Unsupported grant type: \(grantType)")
            }
            let configuration = tenant.configuration
            // Constant-time comparison is not needed for a local emulator; never echo either value.
            guard form["client_id"] == configuration.clientID, form["client_secret"] == configuration.clientSecret
            else {
                throw OAuthErrorBody.unauthorized
            }
            guard let audience = form["audience"] else {
                throw OAuthErrorBody(
                    status: .forbidden,
                    error: "access_denied",
                    description: "No audience parameter was provided, and no default audience has been configured"
                )
            }
            guard audienceMatches(audience, authority: request.head.authority) else {
                throw OAuthErrorBody(
                    status: .forbidden, error: "access_denied", description: "Service not found: \(audience)")
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

    /// The known parameters of a token request, each at most once and never empty. A JSON body
    /// (declared, or starting with `{`) must be an object whose known members are strings;
    /// anything else is read as a form.
    static func tokenParameters(_ text: String, contentType: String?) throws(OAuthErrorBody) -> [String: String] {
        let invalid = OAuthErrorBody(status: .badRequest, error: "invalid_request", description: "Invalid request body")
        var known: [String: String] = [:]
        let isJSON = contentType?.lowercased().hasPrefix("application/json") == true
        if isJSON || text.drop(while: \.isWhitespace).hasPrefix("{") {
            guard case .object(let members)? = try? JSONValue.decode(Array(text.utf8)) else { throw invalid }
            for name in parameters {
                switch members[name] {
                case nil, .null?: continue
                case .string(let value)?: if !value.isEmpty { known[name] = value }
                default: throw invalid
                }
            }
            return known
        }
        guard let form = FormFields(text) else { throw invalid }
        for name in parameters {
            let values = form.values(name).filter { !$0.isEmpty }
            guard values.count <= 1 else {
                throw OAuthErrorBody(
                    status: .badRequest, error: "invalid_request",
                    description: "Parameter '\(name)' must not be repeated")
            }
            known[name] = values.first
        }
        return known
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
        let sameHost =
            host.lowercased() == requestHost.lowercased()
            || (loopback.contains(host.lowercased()) && loopback.contains(requestHost.lowercased()))
        return sameHost && audiencePort == requestPort
    }
}
