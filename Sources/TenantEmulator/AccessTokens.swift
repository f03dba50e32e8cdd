/// Bearer tokens issued by `/oauth/token`: opaque strings mapped to scopes and an expiry.
actor AccessTokens {
    struct Grant: Sendable {
        var scopes: Set<String>
        var expiresAt: Double
    }

    private var grants: [String: Grant] = [:]
    private let clock: any EmulatorClock

    init(clock: any EmulatorClock) {
        self.clock = clock
    }

    /// Issues a token valid for `ttl` seconds.
    func issue(scopes: [String], ttl: Double) -> String {
        let token = RandomToken.alphanumeric(48)
        grants[token] = Grant(scopes: Set(scopes), expiresAt: clock.now() + ttl)
        return token
    }

    /// The scopes of a live token; nil when unknown or expired.
    func scopes(for token: String) -> Set<String>? {
        guard let grant = grants[token] else { return nil }
        guard clock.now() < grant.expiresAt else { return nil }
        return grant.scopes
    }
}
