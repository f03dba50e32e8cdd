import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TenantEmulator

/// One HTTP answer, read whole.
struct Answer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue { (try? JSONValue.decode(body)) ?? .null }
    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// A running emulator plus a client that speaks to it.
struct Harness: Sendable {
    let emulator: RunningEmulator

    var store: TenantStore { emulator.store }

    /// Sends a request with `path` written as-is (percent-encoding intact).
    func send(
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: emulator.baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(
            status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    func send(
        _ method: HTTPMethod, _ path: String, token: String?, json: JSONValue? = nil, headers: [(String, String)] = []
    ) async throws -> Answer {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        if json != nil { all.append(("Content-Type", "application/json")) }
        return try await send(method, path, headers: all, body: json.map { Array($0.encoded()) })
    }

    /// A token for the default client, via the form-encoded grant.
    func token() async throws -> String {
        let audience = emulator.apiURL + "/"
        let form =
            "grant_type=client_credentials&client_id=emulator-client&client_secret=emulator-secret&audience=\(audience.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        let answer = try await send(
            .POST, "/oauth/token", headers: [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(form.utf8))
        guard answer.status == 200, let token = answer.json["access_token"]?.stringValue else {
            throw HarnessError.noToken(answer.status, answer.text)
        }
        return token
    }
}

enum HarnessError: Error {
    case noToken(Int, String)
}

/// Percent-encodes a user id as the official SDKs do (`|` → `%7C`, `/` → `%2F`, `@` → `%40`).
func encodedID(_ id: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return id.addingPercentEncoding(withAllowedCharacters: allowed)!
}

/// Runs `body` against an emulator on a free port.
func withEmulator<T: Sendable>(
    users: [User] = Fixtures.users,
    _ configure: (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: @Sendable (Harness) async throws -> T
) async throws -> T {
    var configuration = EmulatorConfiguration()
    configuration.port = 0
    configuration.seed = .users(users)
    configure(&configuration)
    return try await EmulatorServer.withRunning(configuration: configuration) { running in
        try await body(Harness(emulator: running))
    }
}

enum Fixtures {
    static let samlID = "samlp|my-connection|jane@example.com"
    static let slashID = "oidc|corp/okta|00u1"
    static let auth0ID = "auth0|63d17c4bdf1ce171262c7e93"

    static let users: [User] = [
        User(fields: [
            "user_id": .string(auth0ID),
            "email": "ada@example.com",
            "name": "Ada \"The Countess\" Lovelace",
            "created_at": "2025-01-02T03:04:05.000Z",
            "updated_at": "2025-02-02T03:04:05.000Z",
            "logins_count": 7,
            "app_metadata": ["use_mfa": false, "roles": ["admin"], "team": "core"],
            "user_metadata": ["consent": ["given": true], "lang": "en"],
            "identities": [["connection": "Username-Password-Authentication", "provider": "auth0"]],
        ]),
        User(fields: [
            "user_id": .string(samlID),
            "email": "jane@example.com",
            "updated_at": "2025-02-02T03:04:05.000Z",
            "app_metadata": [:],
        ]),
        User(fields: [
            "user_id": .string(slashID),
            "email": "=cmd|' /C calc'!A0",
            "updated_at": "2025-02-02T03:04:05.000Z",
        ]),
    ]
}
