/// A token-bucket limit: `burst` tokens at most, refilled at `rate` per second.
package struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// Sustained requests per second.
    package var rate: Double
    /// Bucket size.
    package var burst: Int

    /// - Precondition: `rate > 0`, `burst >= 1`.
    package init(rate: Double, burst: Int) {
        precondition(rate > 0 && rate.isFinite, "rate must be a positive number")
        precondition(burst >= 1, "burst must be at least 1")
        self.rate = rate
        self.burst = burst
    }

    /// `n` requests per minute.
    package static func perMinute(_ n: Double, burst: Int) -> RateLimit {
        RateLimit(rate: n / 60, burst: burst)
    }

    /// Free: all Management API, burst 2, 2/s.
    package static let free = RateLimit(rate: 2, burst: 2)
    /// Essentials / Professional, write users (POST, PATCH): burst 20, 200/min.
    package static let essentialsWriteUsers = RateLimit.perMinute(200, burst: 20)
    /// Essentials / Professional, read users: burst 40, 500/min.
    package static let essentialsReadUsers = RateLimit.perMinute(500, burst: 40)
    /// Essentials / Professional, all other endpoints: burst 10, 150/min.
    package static let essentialsOther = RateLimit.perMinute(150, burst: 10)
    /// Enterprise, production, global: burst 50, 16/s.
    package static let enterprise = RateLimit(rate: 16, burst: 50)
    /// Enterprise, non-production, global: burst 10, 2/s.
    package static let enterpriseNonProduction = RateLimit(rate: 2, burst: 10)

    /// A plan from the documented table.
    package enum Plan: String, Sendable, CaseIterable {
        case free
        case essentials
        case enterprise
        case enterpriseNonProduction = "enterprise-non-production"

        /// The plan a `--limits` name stands for: its raw value, or the other spellings the
        /// emulator's `--limits` takes too (`professional` for Essentials, `enterprise-nonprod`).
        package init?(name: String) {
            switch name {
            case "professional": self = .essentials
            case "enterprise-nonprod": self = .enterpriseNonProduction
            default: self.init(rawValue: name)
            }
        }
    }

    /// Which limit of a plan applies.
    package enum Scope: String, Sendable, CaseIterable {
        /// POST/PATCH users (the apply engine).
        case writeUsers
        /// GET users, export jobs.
        case readUsers
        /// Everything else (enrollment tickets, jobs).
        case other
    }

    /// The documented limit of `plan` for `scope`.
    package static func preset(_ plan: Plan, scope: Scope) -> RateLimit {
        switch (plan, scope) {
        case (.free, _): return .free
        case (.essentials, .writeUsers): return .essentialsWriteUsers
        case (.essentials, .readUsers): return .essentialsReadUsers
        case (.essentials, .other): return .essentialsOther
        case (.enterprise, _): return .enterprise
        case (.enterpriseNonProduction, _): return .enterpriseNonProduction
        }
    }

    package var description: String {
        "\(rate)/s, burst \(burst)"
    }
}
