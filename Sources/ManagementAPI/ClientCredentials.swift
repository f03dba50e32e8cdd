/// A client secret. It never prints itself: `description` is redacted and it is not `Codable`.
package struct ClientSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself; read it only to send it to the token endpoint.
    let value: String

    package init(_ value: String) {
        self.value = value
    }

    package var description: String { "ClientSecret(redacted)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// An access token for the Management API. Redacted in descriptions, not `Codable`.
package struct BearerToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The token itself; read it only to build an `Authorization` header.
    let value: String

    package init(_ value: String) {
        self.value = value
    }

    package var description: String { "BearerToken(redacted)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// How the client authenticates to the Management API.
package enum ManagementCredentials: Sendable, CustomStringConvertible {
    /// Machine-to-machine application: tokens are fetched with the client-credentials grant.
    case clientCredentials(clientID: String, secret: ClientSecret)
    /// A token obtained elsewhere. It cannot be refreshed: a 401 is final.
    case staticToken(BearerToken)

    package var description: String {
        switch self {
        case .clientCredentials(let clientID, _):
            return "client credentials (client id \(clientID), secret redacted)"
        case .staticToken:
            return "static token (redacted)"
        }
    }
}
