import Foundation

/// Makes a plausible tenant from a seed: the same seed and count always give the same users.
///
/// Ids mix providers (`auth0|…`, `google-oauth2|…`, `samlp|acme-saml|jane@…`, and an
/// `oidc|corp/okta|…` id holding a `/`); `app_metadata.use_mfa` is true, false or absent;
/// some users have `user_metadata.consent`, roles and departments for policies to select on.
package struct UserGenerator: Sendable {
    /// The seed.
    package let seed: UInt64

    package init(seed: UInt64) {
        self.seed = seed
    }

    static let firstNames = [
        "ada", "grace", "alan", "edsger", "barbara", "donald", "frances", "ken", "radia", "tim", "margaret", "linus",
    ]
    static let lastNames = [
        "lovelace", "hopper", "turing", "dijkstra", "liskov", "knuth", "allen", "thompson", "perlman", "berners-lee",
        "hamilton", "torvalds",
    ]
    static let departments = ["engineering", "finance", "sales", "support", "legal"]
    /// 2025-01-01T00:00:00Z: generated dates are fixed, not relative to now.
    static let epoch: Double = 1_735_689_600

    /// `count` users.
    package func users(count: Int) -> [User] {
        var users: [User] = []
        users.reserveCapacity(count)
        forEachUser(count: count) { users.append($0) }
        return users
    }

    /// The same users as ``users(count:)``, handed over one at a time.
    package func forEachUser(count: Int, _ body: (User) -> Void) {
        var random = SplitMix64(seed: seed)
        for index in 0..<count { body(user(index: index, random: &random)) }
    }

    private func user(index: Int, random: inout SplitMix64) -> User {
        let first = Self.firstNames[Int(random.next() % UInt64(Self.firstNames.count))]
        let last = Self.lastNames[Int(random.next() % UInt64(Self.lastNames.count))]
        let hex = String(random.next(), radix: 16).leftPadded(to: 16) + String(index, radix: 16).leftPadded(to: 8)
        let kind = random.next() % 10
        let email: String
        let userID: String
        let connection: String
        let provider: String
        switch kind {
        case 0, 1:
            email = "\(first).\(last)\(index)@gmail.example"
            userID = "google-oauth2|1\(String(random.next() % 100_000_000_000_000_000))"
            connection = "google-oauth2"
            provider = "google-oauth2"
        case 2:
            email = "\(first).\(last)\(index)@acme.example"
            userID = "samlp|acme-saml|\(email)"
            connection = "acme-saml"
            provider = "samlp"
        case 3:
            email = "\(first).\(last)\(index)@corp.example"
            userID = "oidc|corp/okta|\(hex)"
            connection = "corp/okta"
            provider = "oidc"
        default:
            email = "\(first).\(last)\(index)@example.com"
            userID = "auth0|\(hex)"
            connection = "Username-Password-Authentication"
            provider = "auth0"
        }
        let created = Self.epoch + Double(random.next() % (180 * 86_400))
        let lastLogin = created + Double(random.next() % (120 * 86_400))
        let logins = Int(random.next() % 300)
        var appMetadata: [String: JSONValue] = [
            "department": .string(Self.departments[Int(random.next() % UInt64(Self.departments.count))])
        ]
        switch random.next() % 4 {
        case 0: appMetadata["use_mfa"] = true
        case 1: appMetadata["use_mfa"] = false
        default: break
        }
        if random.next() % 5 == 0 { appMetadata["roles"] = ["admin"] }
        var userMetadata: [String: JSONValue] = [:]
        if random.next() % 3 == 0 {
            userMetadata["consent"] = [
                "given": .bool(random.next() % 2 == 0), "at": .string(Timestamp.iso8601(created)),
            ]
        }
        let identityUserID = userID.split(separator: "|").last.map(String.init) ?? hex
        return User(fields: [
            "user_id": .string(userID),
            "email": .string(email),
            "email_verified": .bool(random.next() % 5 != 0),
            "name": .string("\(first.capitalized) \(last.capitalized)"),
            "nickname": .string(first),
            "created_at": .string(Timestamp.iso8601(created)),
            "updated_at": .string(Timestamp.iso8601(lastLogin)),
            "last_login": .string(Timestamp.iso8601(lastLogin)),
            "logins_count": .int(logins),
            "identities": [
                [
                    "connection": .string(connection),
                    "provider": .string(provider),
                    "user_id": .string(identityUserID),
                    "isSocial": .bool(provider == "google-oauth2"),
                ]
            ],
            "app_metadata": .object(appMetadata),
            "user_metadata": .object(userMetadata),
        ])
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
