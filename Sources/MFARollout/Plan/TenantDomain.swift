/// A tenant's domain in the one form plans, journals and locks compare: `tenant.eu.auth0.com`
/// or `HOST:PORT`, lower case, without a trailing dot and without the default port `:443`.
///
/// `Acme.EU.auth0.com.`, `acme.eu.auth0.com:443` and `acme.eu.auth0.com` are one tenant; a
/// plan made for one is applied to no other.
package struct TenantDomain: Sendable, Hashable, CustomStringConvertible {
    /// The canonical form.
    package let canonical: String

    /// Checks and canonicalises `text`: a bare host or `HOST:PORT` (`[v6]:PORT`), with no
    /// scheme, path, user info, query or white space.
    package init(_ text: String) throws(TenantDomainError) {
        guard !text.isEmpty else { throw .invalid(text, reason: "it is empty") }
        if text.contains("://") {
            throw .invalid(text, reason: "give the domain without a scheme, e.g. tenant.eu.auth0.com")
        }
        if let bad = text.first(where: {
            "/?#@\\%".contains($0) || $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false
        }) {
            throw .invalid(
                text,
                reason:
                    "it contains \(bad.unicodeScalars.first.map { "U+" + String($0.value, radix: 16, uppercase: true) } ?? "?"); give only HOST or HOST:PORT"
            )
        }
        guard text.unicodeScalars.allSatisfy(\.isASCII) else {
            throw .invalid(text, reason: "it is not ASCII; give an internationalised domain in its xn-- form")
        }
        var lowered = text.lowercased()
        var host: Substring
        var port: Substring?
        if lowered.hasPrefix("[") {
            guard let close = lowered.firstIndex(of: "]") else {
                throw .invalid(text, reason: "an IPv6 address lacks its closing ']'")
            }
            host = lowered[...close]
            let rest = lowered[lowered.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .invalid(text, reason: "expected ':PORT' after ']'") }
                port = rest.dropFirst()
            }
        } else {
            let parts = lowered.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw .invalid(text, reason: "write an IPv6 address in brackets: [::1]:PORT")
            }
            host = parts[0]
            port = parts.count == 2 ? parts[1] : nil
        }
        if host.hasSuffix("."), !host.hasPrefix("[") { host = host.dropLast() }
        guard !host.isEmpty, host != "[]" else { throw .invalid(text, reason: "the host is empty") }
        if let port {
            guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(port),
                (1...65535).contains(value)
            else { throw .invalid(text, reason: "the port '\(port)' is not a number from 1 to 65535") }
            lowered = value == 443 ? String(host) : "\(host):\(value)"
        } else {
            lowered = String(host)
        }
        canonical = lowered
    }

    package var description: String { canonical }
}

/// Why a text is not a tenant domain.
package enum TenantDomainError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String, reason: String)

    package var description: String {
        switch self {
        case .invalid(let text, let reason): "tenant domain \"\(text)\": \(reason)"
        }
    }
}
