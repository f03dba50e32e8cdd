/// Which buckets a tenant has: one global bucket and/or one per endpoint class, as in Auth0's
/// documented plans. Every tenant has at least one bucket, so every Management API answer
/// carries `x-ratelimit-*` headers, as every Auth0 answer does; without `--limits` the emulator
/// runs ``local``.
package struct RateLimitPlan: Sendable, Equatable {
    /// One bucket's size and refill.
    package struct Limit: Sendable, Equatable {
        /// Bucket size: how many requests may go at once.
        package var burst: Int
        /// Sustained limit: tokens added per second.
        package var perSecond: Double

        package init(burst: Int, perSecond: Double) {
            self.burst = burst
            self.perSecond = perSecond
        }
    }

    /// Checked first, for every Management API request.
    package var global: Limit?
    /// `POST`/`PATCH`/`DELETE` under `/api/v2/users`.
    package var writeUsers: Limit?
    /// `GET` under `/api/v2/users`.
    package var readUsers: Limit?
    /// Every other Management API endpoint.
    package var other: Limit?

    package init(global: Limit? = nil, writeUsers: Limit? = nil, readUsers: Limit? = nil, other: Limit? = nil) {
        self.global = global
        self.writeUsers = writeUsers
        self.readUsers = readUsers
        self.other = other
    }

    /// The emulator's default: one global bucket far larger than Auth0's plans, refilled as fast
    /// as it is large. Nothing a test, the demo or a fuzzer sends locally empties it, yet every
    /// answer carries real headers from a real bucket, so a client's header handling is
    /// exercised against the default emulator too. Choose another plan to rehearse throttling.
    package static let local = RateLimitPlan(global: .init(burst: 1_000, perSecond: 1_000))
    /// Free: 2 burst, 2/s for the whole Management API.
    package static let free = RateLimitPlan(global: .init(burst: 2, perSecond: 2))
    /// Essentials / Professional: write users 20 burst 200/min, read users 40 burst 500/min,
    /// everything else 10 burst 150/min.
    package static let essentials = RateLimitPlan(
        writeUsers: .init(burst: 20, perSecond: 200.0 / 60),
        readUsers: .init(burst: 40, perSecond: 500.0 / 60),
        other: .init(burst: 10, perSecond: 150.0 / 60)
    )
    /// Enterprise production: 50 burst, 16/s global.
    package static let enterprise = RateLimitPlan(global: .init(burst: 50, perSecond: 16))
    /// Enterprise non-production: 10 burst, 2/s global.
    package static let enterpriseNonProduction = RateLimitPlan(global: .init(burst: 10, perSecond: 2))

    /// Parses `local`, `free`, `essentials`, `enterprise`, `enterprise-nonprod` or `RATE/BURST`
    /// (`25/5`: 25 requests a second sustained, bucket of 5, global). Nil when unrecognised.
    package init?(parsing text: String) {
        switch text.lowercased() {
        case "local": self = .local
        case "free": self = .free
        case "essentials", "professional": self = .essentials
        case "enterprise": self = .enterprise
        case "enterprise-nonprod", "enterprise-non-production": self = .enterpriseNonProduction
        default:
            let parts = text.split(separator: "/")
            guard parts.count == 2, let rate = Double(parts[0]), let burst = Int(parts[1]), rate > 0, burst > 0 else {
                return nil
            }
            self = RateLimitPlan(global: .init(burst: burst, perSecond: rate))
        }
    }

    enum EndpointClass: String, Sendable {
        case writeUsers, readUsers, other
    }

    static func endpointClass(method: String, path: String) -> EndpointClass {
        guard path == "/api/v2/users" || path.hasPrefix("/api/v2/users/") else { return .other }
        return method == "GET" || method == "HEAD" ? .readUsers : .writeUsers
    }

    func limit(for endpoint: EndpointClass) -> Limit? {
        switch endpoint {
        case .writeUsers: writeUsers
        case .readUsers: readUsers
        case .other: other
        }
    }
}
