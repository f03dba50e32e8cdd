/// Where the Management API lives: the scheme and `domain` (`tenant.eu.auth0.com` or `HOST:PORT`).
///
/// `https` always, except when plain `http` is explicitly allowed AND the host is a loopback
/// address written literally (`127.0.0.0/8`, `::1`) or exactly `localhost`: that is for the local
/// emulator only.
package struct ManagementEndpoint: Sendable, Equatable, CustomStringConvertible {
    package enum Scheme: String, Sendable {
        case https
        case http
    }

    /// `https`, or `http` for an explicitly allowed loopback host.
    package let scheme: Scheme
    /// The domain as given: `tenant.eu.auth0.com`, `127.0.0.1:8080`, `[::1]:8080`.
    package let domain: String
    /// The host without port or brackets.
    package let host: String
    /// The explicit port, if one was given.
    package let port: Int?

    /// Validates `domain` and picks the scheme.
    ///
    /// - Parameters:
    ///   - domain: `tenant.eu.auth0.com` or `HOST:PORT`; no scheme, path, user info or query.
    ///   - allowInsecureHTTP: use plain `http`; accepted only for a loopback host.
    /// - Throws: ``ManagementAPIError/invalidDomain(_:reason:)`` or ``ManagementAPIError/insecureURL(_:)``.
    package init(domain: String, allowInsecureHTTP: Bool = false) throws(ManagementAPIError) {
        let (host, port) = try Self.split(domain)
        if allowInsecureHTTP {
            guard Self.isLoopback(host) else {
                throw .insecureURL("http://\(domain)/ (plain HTTP is allowed only for a loopback host)")
            }
            self.scheme = .http
        } else {
            self.scheme = .https
        }
        self.domain = domain
        self.host = host
        self.port = port
    }

    /// `{scheme}://{domain}`
    package var origin: String { "\(scheme.rawValue)://\(domain)" }
    /// `{scheme}://{domain}/api/v2/`
    package var baseURL: String { "\(origin)/api/v2/" }
    /// `{scheme}://{domain}/oauth/token`
    package var tokenURL: String { "\(origin)/oauth/token" }
    /// The audience of Management API tokens: `{scheme}://{domain}/api/v2/`
    /// (for Auth0 always `https://{domain}/api/v2/`).
    package var audience: String { baseURL }

    package var description: String { baseURL }

    /// `true` for a literal `127.0.0.0/8` address, `::1`, and exactly `localhost`. Nothing is
    /// looked up: `localhost.` (a fully qualified name) and `localhost.example.com` go through
    /// DNS, which may answer anything, so they are not loopback.
    package static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" { return true }
        if lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        var values: [Int] = []
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(octet), value <= 255
            else { return false }
            values.append(value)
        }
        return values[0] == 127
    }

    /// Splits `host[:port]` or `[v6]:port`, rejecting anything that is not a bare authority.
    static func split(_ domain: String) throws(ManagementAPIError) -> (host: String, port: Int?) {
        guard !domain.isEmpty else { throw .invalidDomain(domain, reason: "it is empty") }
        if domain.contains("://") {
            throw .invalidDomain(domain, reason: "give the domain without a scheme, e.g. tenant.eu.auth0.com")
        }
        let forbidden: Set<Character> = ["/", "?", "#", "@", " ", "\\", "%"]
        if let bad = domain.first(where: { forbidden.contains($0) || $0.isWhitespace }) {
            throw .invalidDomain(domain, reason: "it contains '\(bad)'; give only host or HOST:PORT")
        }
        var host: Substring
        var portText: Substring?
        if domain.hasPrefix("[") {
            guard let close = domain.firstIndex(of: "]") else {
                throw .invalidDomain(domain, reason: "an IPv6 address lacks its closing ']'")
            }
            host = domain[domain.index(after: domain.startIndex)..<close]
            let rest = domain[domain.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else {
                    throw .invalidDomain(domain, reason: "expected ':PORT' after ']'")
                }
                portText = rest.dropFirst()
            }
        } else {
            let parts = domain.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw .invalidDomain(domain, reason: "write an IPv6 address in brackets: [::1]:PORT")
            }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
        }
        guard !host.isEmpty else { throw .invalidDomain(domain, reason: "the host is empty") }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value), portText.allSatisfy(\.isNumber) else {
                throw .invalidDomain(domain, reason: "the port '\(portText)' is not a number from 1 to 65535")
            }
            port = value
        }
        return (String(host), port)
    }
}
