import AsyncHTTPClient
import Testing

@testable import TenantEmulator

@Suite("Fault injection")
struct FaultInjectionTests {
    static func draws(_ configuration: FaultConfiguration, count: Int) async -> [FaultInjection.Fault] {
        let faults = FaultInjection(configuration: configuration)
        var result: [FaultInjection.Fault] = []
        for index in 0..<count { result.append(await faults.draw(isPatch: index % 2 == 0)) }
        return result
    }

    @Test("The same seed gives the same faults; another seed, others")
    func determinism() async {
        let configuration = FaultConfiguration(failRate: 0.3, dropRate: 0.1, dropAfterWriteRate: 0.2, seed: 7)
        let first = await Self.draws(configuration, count: 200)
        let second = await Self.draws(configuration, count: 200)
        #expect(first == second)
        var other = configuration
        other.seed = 8
        #expect(await Self.draws(other, count: 200) != first)
        // Roughly the configured shares, and every kind shows up.
        let fails = first.filter { if case .fail = $0 { true } else { false } }.count
        #expect((30...100).contains(fails))
        #expect(first.contains(.drop))
        #expect(first.contains(.dropAfterWrite))
        #expect(Set(first.compactMap { if case .fail(let s) = $0 { s } else { nil } }) == [500, 502, 503])
    }

    @Test("Rates of zero never fault; drop-after-write only hits PATCH")
    func zeroRates() async {
        #expect(await Self.draws(FaultConfiguration(seed: 3), count: 100).allSatisfy { $0 == .none })
        let faults = FaultInjection(configuration: FaultConfiguration(dropAfterWriteRate: 1, seed: 3))
        #expect(await faults.draw(isPatch: false) == .none)
        #expect(await faults.draw(isPatch: true) == .dropAfterWrite)
    }

    @Test("--fail-rate 1 answers 5xx and changes nothing")
    func failures() async throws {
        try await withEmulator({ $0.faults = FaultConfiguration(failRate: 1, seed: 1) }) { h in
            let answer = try await h.send(
                .PATCH, "/api/v2/users/" + encodedID(Fixtures.samlID), token: try await h.token(),
                json: ["app_metadata": ["use_mfa": true]])
            #expect([500, 502, 503].contains(answer.status))
            #expect(answer.json["statusCode"] == .int(answer.status))
            #expect(await h.store.user(id: Fixtures.samlID) == Fixtures.users[1])
        }
    }

    @Test("--drop-rate 1 closes the connection without an answer or a change")
    func drop() async throws {
        try await withEmulator({ $0.faults = FaultConfiguration(dropRate: 1, seed: 1) }) { h in
            let token = try await h.token()
            await #expect(throws: (any Error).self) {
                _ = try await h.send(
                    .PATCH, "/api/v2/users/" + encodedID(Fixtures.samlID), token: token,
                    json: ["app_metadata": ["use_mfa": true]])
            }
            #expect(await h.store.user(id: Fixtures.samlID) == Fixtures.users[1])
            let log = await h.store.requests().filter { $0.method == "PATCH" }
            #expect(log.first?.dropped == true)
            #expect(log.first?.status == 0)
            #expect(log.first?.changed == false)
        }
    }

    @Test("--drop-after-write-rate 1 applies the PATCH, then closes the connection unanswered")
    func dropAfterWrite() async throws {
        try await withEmulator({ $0.faults = FaultConfiguration(dropAfterWriteRate: 1, seed: 1) }) { h in
            let token = try await h.token()
            await #expect(throws: (any Error).self) {
                _ = try await h.send(
                    .PATCH, "/api/v2/users/" + encodedID(Fixtures.samlID), token: token,
                    json: ["app_metadata": ["use_mfa": true]])
            }
            #expect(await h.store.user(id: Fixtures.samlID)?.appMetadata == ["use_mfa": true])
            let log = await h.store.requests().filter { $0.method == "PATCH" }
            #expect(log.first?.dropped == true)
            #expect(log.first?.status == 200)
            #expect(log.first?.changed == true)
            // Reads are not affected by drop-after-write.
            #expect(try await h.send(.GET, "/api/v2/users/" + encodedID(Fixtures.samlID), token: token).status == 200)
        }
    }
}
