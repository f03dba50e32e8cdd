import Foundation
import Testing

@testable import ManagementAPI

/// A gate the stub fetcher waits on until the test opens it.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}

final class StubFetcher: TokenFetcher, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    let gate: Gate?
    let lifetime: Duration
    let failure: ManagementAPIError?

    init(gate: Gate? = nil, lifetime: Duration = .seconds(86400), failure: ManagementAPIError? = nil) {
        self.gate = gate
        self.lifetime = lifetime
        self.failure = failure
    }

    var calls: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func fetchToken() async throws(ManagementAPIError) -> IssuedToken {
        let number: Int = {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            return count
        }()
        if let gate { await gate.wait() }
        if let failure { throw failure }
        return IssuedToken(token: BearerToken("token-\(number)"), expiresIn: lifetime)
    }
}

@Suite struct TokenProviderTests {
    @Test func concurrentCallersShareOneFetch() async throws {
        let gate = Gate()
        let fetcher = StubFetcher(gate: gate)
        let provider = TokenProvider(fetcher: fetcher, clock: FakeClock())
        let tokens = try await withThrowingTaskGroup(of: BearerToken.self) { group in
            for _ in 0..<10 {
                group.addTask { try await provider.token() }
            }
            // Open the gate only once all ten wait on the one fetch.
            while await provider.waitingCallers < 10 { await Task.yield() }
            await gate.open()
            var tokens: [BearerToken] = []
            for try await token in group { tokens.append(token) }
            return tokens
        }
        #expect(fetcher.calls == 1)
        #expect(Set(tokens.map(\.value)) == ["token-1"])
        #expect(await provider.fetchCount == 1)
    }

    @Test func cachedUntilLifetimeMinusMargin() async throws {
        let clock = FakeClock()
        let fetcher = StubFetcher(lifetime: .seconds(3600))
        let provider = TokenProvider(fetcher: fetcher, clock: clock, expiryMargin: .seconds(300))
        #expect(try await provider.token().value == "token-1")
        clock.advance(by: .seconds(3299))
        #expect(try await provider.token().value == "token-1")
        clock.advance(by: .seconds(1))
        #expect(try await provider.token().value == "token-2")
        #expect(fetcher.calls == 2)
    }

    @Test func refreshReplacesTheRejectedTokenOnce() async throws {
        let fetcher = StubFetcher()
        let provider = TokenProvider(fetcher: fetcher, clock: FakeClock())
        let first = try await provider.token()
        let second = try #require(try await provider.refresh(rejected: first))
        #expect(second.value == "token-2")
        // A second worker that also saw `first` rejected gets the already refreshed token.
        let again = try #require(try await provider.refresh(rejected: first))
        #expect(again == second)
        #expect(fetcher.calls == 2)
    }

    @Test func staticTokenCannotRefresh() async throws {
        let provider = TokenProvider(staticToken: BearerToken("static"))
        #expect(try await provider.token().value == "static")
        #expect(try await provider.refresh(rejected: BearerToken("static")) == nil)
        #expect(!provider.canRefresh)
    }

    @Test func fetchFailureReachesEveryWaiterAndIsNotCached() async throws {
        let fetcher = StubFetcher(failure: .invalidCredentials(status: 401))
        let provider = TokenProvider(fetcher: fetcher, clock: FakeClock())
        await #expect(throws: ManagementAPIError.invalidCredentials(status: 401)) { try await provider.token() }
        await #expect(throws: ManagementAPIError.invalidCredentials(status: 401)) { try await provider.token() }
        #expect(fetcher.calls == 2)
    }
}
