import Foundation
import Testing

@testable import ManagementAPI

@Suite struct Auth0ErrorBodyTests {
    @Test func numericStatusCode() throws {
        let body = try #require(
            Auth0ErrorBody.decode(
                Array(
                    #"{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}"#
                        .utf8)))
        #expect(
            body
                == Auth0ErrorBody(
                    statusCode: 404, error: "Not Found", message: "The user does not exist.",
                    errorCode: "inexistent_user"))
    }

    @Test func stringStatusCode() throws {
        let body = try #require(
            Auth0ErrorBody.decode(
                Array(
                    #"{"statusCode":"403","error":"Forbidden","message":"Insufficient scope, expected any of: update:users,update:users_app_metadata","errorCode":"insufficient_scope"}"#
                        .utf8)))
        #expect(body.statusCode == 403)
        #expect(body.errorCode == "insufficient_scope")
    }

    @Test func missingErrorCode() throws {
        let body = try #require(
            Auth0ErrorBody.decode(Array(#"{"statusCode":401,"error":"Unauthorized","message":"Invalid token."}"#.utf8)))
        #expect(body.statusCode == 401)
        #expect(body.errorCode == nil)
        #expect(body.message == "Invalid token.")
    }

    @Test func nonJSONAndUnrelatedJSONGiveNil() {
        #expect(Auth0ErrorBody.decode(Array("<html>Bad gateway</html>".utf8)) == nil)
        #expect(Auth0ErrorBody.decode(Array(#"{"foo":1}"#.utf8)) == nil)
        #expect(Auth0ErrorBody.decode([]) == nil)
    }

    @Test func errorDescriptionNamesStatusAndCode() {
        let error = ManagementAPIError.http(
            status: 404,
            body: Auth0ErrorBody(
                statusCode: 404, error: "Not Found", message: "The user does not exist.", errorCode: "inexistent_user"),
            operation: "PATCH /api/v2/users/{id}")
        #expect(error.description.contains("404"))
        #expect(error.description.contains("inexistent_user"))
        #expect(error.isNotFound)
        #expect(!error.isRetryable)
        #expect(error.auth0ErrorCode == "inexistent_user")
    }
}
