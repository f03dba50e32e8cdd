import Foundation

/// Reading the granted scopes out of an access token, without checking it (the API checks it).
enum TokenScopes {
    /// The `scope` claim of a JWT (`header.payload.signature`, base64url), split on spaces;
    /// nil for a token that is not a JWT or has no `scope` claim.
    static func fromJWT(_ token: String) -> [String]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let payload = try? JSONDecoder().decode([String: JSONValue].self, from: data),
            let scope = payload["scope"]?.stringValue
        else { return nil }
        return scope.split(separator: " ").map(String.init)
    }
}
