import Testing

@testable import ManagementAPI

@Suite struct ManagementEndpointTests {
    @Test func auth0DomainUsesHTTPS() throws {
        let endpoint = try ManagementEndpoint(domain: "tenant.eu.auth0.com")
        #expect(endpoint.scheme == .https)
        #expect(endpoint.baseURL == "https://tenant.eu.auth0.com/api/v2/")
        #expect(endpoint.tokenURL == "https://tenant.eu.auth0.com/oauth/token")
        #expect(endpoint.audience == "https://tenant.eu.auth0.com/api/v2/")
    }

    @Test func hostAndPortWithHTTPS() throws {
        let endpoint = try ManagementEndpoint(domain: "auth.example.com:8443")
        #expect(endpoint.host == "auth.example.com")
        #expect(endpoint.port == 8443)
        #expect(endpoint.baseURL == "https://auth.example.com:8443/api/v2/")
    }

    @Test(arguments: ["127.0.0.1:8080", "127.10.20.30:9", "localhost:3000", "LOCALHOST", "[::1]:8080"])
    func plainHTTPAllowedForLoopback(domain: String) throws {
        let endpoint = try ManagementEndpoint(domain: domain, allowInsecureHTTP: true)
        #expect(endpoint.scheme == .http)
        #expect(endpoint.baseURL == "http://\(domain)/api/v2/")
        #expect(endpoint.audience == "http://\(domain)/api/v2/")
    }

    // `localhost.` is a fully qualified name: it is resolved through DNS, which may answer anything.
    @Test(arguments: [
        "tenant.eu.auth0.com", "10.0.0.1:8080", "128.0.0.1", "127.0.0.1.evil.com", "localhost.evil.com", "[::2]:80",
        "localhost.", "localhost.:8080", "LOCALHOST.",
    ])
    func plainHTTPRefusedElsewhere(domain: String) {
        #expect(throws: ManagementAPIError.self) {
            try ManagementEndpoint(domain: domain, allowInsecureHTTP: true)
        }
        do {
            _ = try ManagementEndpoint(domain: domain, allowInsecureHTTP: true)
        } catch {
            guard case .insecureURL = error else {
                Issue.record("expected insecureURL, got \(error)")
                return
            }
        }
    }

    @Test func loopbackWithoutTheFlagStillUsesHTTPS() throws {
        #expect(try ManagementEndpoint(domain: "127.0.0.1:8080").scheme == .https)
    }

    @Test(arguments: [
        "", "https://tenant.auth0.com", "tenant.auth0.com/api", "user@host", "host:0", "host:99999", "host:abc",
        "::1:80", "[::1",
    ])
    func malformedDomainsAreRejected(domain: String) {
        do {
            _ = try ManagementEndpoint(domain: domain)
            Issue.record("accepted \(domain)")
        } catch {
            guard case .invalidDomain = error else {
                Issue.record("expected invalidDomain, got \(error)")
                return
            }
        }
    }
}
