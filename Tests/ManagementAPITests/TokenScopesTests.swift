import Foundation
import Testing

@testable import ManagementAPI

@Suite("Reading the scopes of a token")
struct TokenScopesTests {
    static func jwt(_ payload: String) -> String {
        func base64url(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return base64url(#"{"alg":"RS256","typ":"JWT"}"#) + "." + base64url(payload) + ".c2lnbmF0dXJl"
    }

    @Test("A JWT's scope claim is split on spaces; opaque tokens and JWTs without scope give nil")
    func claims() {
        #expect(
            TokenScopes.fromJWT(Self.jwt(#"{"scope":"read:users read:actions","aud":"x"}"#)) == [
                "read:users", "read:actions",
            ])
        // A payload whose base64url needs padding restored (length not a multiple of 4).
        #expect(TokenScopes.fromJWT(Self.jwt(#"{"scope":"read:rules"}"#)) == ["read:rules"])
        #expect(TokenScopes.fromJWT(Self.jwt(#"{"aud":"x"}"#)) == nil)
        #expect(TokenScopes.fromJWT("opaque-token-without-dots") == nil)
        #expect(TokenScopes.fromJWT("a.!!!.c") == nil)
    }
}
