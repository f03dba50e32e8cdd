import Foundation
import Testing

@testable import ManagementAPI

@Suite struct PathEncodingTests {
    @Test func encodesPipesAndAtInSAMLUserID() {
        #expect(
            PathEncoding.encodeSegment("samlp|my-connection|jane@example.com")
                == "samlp%7Cmy-connection%7Cjane%40example.com")
    }

    @Test func keepsAuth0IDReadableExceptPipe() {
        #expect(PathEncoding.encodeSegment("auth0|63d17c4bdf1ce171262c7e93") == "auth0%7C63d17c4bdf1ce171262c7e93")
    }

    @Test func slashStaysInsideOneSegment() {
        let encoded = PathEncoding.encodeSegment("oidc|corp/eu|a/b")
        #expect(encoded == "oidc%7Ccorp%2Feu%7Ca%2Fb")
        #expect(!encoded.contains("/"))
    }

    @Test func encodesSpacesPercentAndNonASCIIAsUTF8() {
        #expect(PathEncoding.encodeSegment("a b%c") == "a%20b%25c")
        #expect(PathEncoding.encodeSegment("é") == "%C3%A9")
        #expect(PathEncoding.encodeSegment("A-z_0.9~") == "A-z_0.9~")
    }

    @Test(arguments: ["auth0|1", "samlp|my-connection|jane@example.com", "x/y?z#w", "ü|€"])
    func roundTripsThroughPercentDecoding(id: String) {
        #expect(PathEncoding.encodeSegment(id).removingPercentEncoding == id)
    }
}
