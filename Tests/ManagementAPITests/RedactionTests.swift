import Foundation
import Testing

@testable import ManagementAPI

@Suite struct RedactionTests {
    static let secret = "s3cr3t-VALUE-never-print"

    @Test func clientSecretNeverPrints() {
        let secret = ClientSecret(Self.secret)
        for text in [String(describing: secret), String(reflecting: secret), "\(secret)", dumped(secret)] {
            #expect(!text.contains(Self.secret))
        }
        let credentials = ManagementCredentials.clientCredentials(clientID: "abc", secret: secret)
        #expect(!String(describing: credentials).contains(Self.secret))
        #expect(!dumped(credentials).contains(Self.secret))
    }

    @Test func bearerTokenNeverPrints() {
        let token = BearerToken("eyJhbGciOi.payload.sig")
        #expect(!"\(token)".contains("eyJ"))
        #expect(!String(reflecting: token).contains("eyJ"))
        #expect(!dumped(token).contains("eyJ"))
        #expect(!"\(ManagementCredentials.staticToken(token))".contains("eyJ"))
    }

    @Test func ticketURLNeverPrints() {
        let url = "https://tenant.eu.auth0.com/mfa/enrollment?ticket=SECRETTICKET"
        let ticket = EnrollmentTicket(ticketID: "tkt_1", ticketURL: TicketURL(url))
        for text in ["\(ticket)", String(reflecting: ticket), dumped(ticket)] {
            #expect(!text.contains("SECRETTICKET"))
        }
        #expect(ticket.ticketURL.revealedValue == url)
    }

    @Test func signedURLShowsHostAndPathButNotTheSignature() {
        let url = SignedURL(
            "https://bucket.s3.amazonaws.com/job_1/tenant.csv.gz?X-Amz-Signature=abcdef123&X-Amz-Credential=KEY")
        let text = "\(url)"
        #expect(text.contains("bucket.s3.amazonaws.com/job_1/tenant.csv.gz"))
        #expect(!text.contains("abcdef123"))
        #expect(!text.contains("KEY"))
    }

    @Test func invalidCredentialsErrorEchoesNothing() {
        let text = ManagementAPIError.invalidCredentials(status: 401).description
        #expect(!text.contains(Self.secret))
        #expect(text.contains("401"))
    }

    private func dumped<T>(_ value: T) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}
