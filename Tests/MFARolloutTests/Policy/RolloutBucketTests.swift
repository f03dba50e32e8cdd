import Testing

@testable import MFARollout

@Suite("Rollout bucket")
struct RolloutBucketTests {
    /// Expected values from the shell, independently of swift-crypto:
    /// `printf 'salt:auth0|1' | sha256sum` → 19cecb82af262436…, and
    /// `printf 'mfa-2026-q4:google-oauth2|115015401343387192604' | sha256sum` → 75521fc46aa2d993…;
    /// the first 8 bytes as a big-endian integer / 2^64 * 100 (computed with Python).
    @Test func knownAnswers() {
        #expect(RolloutBucket.value(userID: "auth0|1", salt: "salt") == 10.081169071704515)
        #expect(
            RolloutBucket.value(userID: "auth0|1", salt: "salt") == Double(0x19ce_cb82_af26_2436 as UInt64)
                / 18446744073709551616.0 * 100)
        #expect(
            RolloutBucket.value(userID: "google-oauth2|115015401343387192604", salt: "mfa-2026-q4")
                == 45.828436417890416)
    }

    @Test func saltChangesTheBucket() {
        #expect(
            RolloutBucket.value(userID: "auth0|1", salt: "salt")
                != RolloutBucket.value(userID: "auth0|1", salt: "salt2"))
    }

    @Test func wavesNestAndHitTheirShares() {
        let n = 100_000
        var sets: [Double: Set<Int>] = [10: [], 25: [], 50: []]
        for i in 0..<n {
            let bucket = RolloutBucket.value(userID: "auth0|user-\(i)", salt: "mfa-2026-q4")
            #expect(bucket >= 0 && bucket < 100)
            for percentage in sets.keys where bucket < percentage { sets[percentage]!.insert(i) }
        }
        #expect(sets[10]!.isSubset(of: sets[25]!))
        #expect(sets[25]!.isSubset(of: sets[50]!))
        for (percentage, set) in sets {
            let share = Double(set.count) / Double(n) * 100
            #expect(abs(share - percentage) <= 1, "\(percentage)%: \(share)%")
        }
    }

    @Test func policyDecisionsNestAcrossWaves() throws {
        func selected(at percentage: Int) throws -> Set<String> {
            let p = try Fixture.parse(
                """
                version: 1
                rollout: {percentage: \(percentage), salt: wave}
                rules: [{name: all, when: {column: user_id, exists: true}}]
                """)
            var ids: Set<String> = []
            for i in 0..<5000 {
                let id = "auth0|\(i)"
                if p.decide(values: p.row(["user_id": id]), now: .now).selected { ids.insert(id) }
            }
            return ids
        }
        let ten = try selected(at: 10)
        let quarter = try selected(at: 25)
        let half = try selected(at: 50)
        #expect(ten.isSubset(of: quarter) && quarter.isSubset(of: half))
        #expect(ten.count > 350 && ten.count < 650)
        #expect(try selected(at: 100).count == 5000)
        #expect(try selected(at: 0).isEmpty)
    }
}
