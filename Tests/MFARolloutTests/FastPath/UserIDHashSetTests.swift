import Foundation
import Testing

@testable import MFARollout

/// Duplicate detection by 128-bit fingerprints (`UserIDHashSet`) against what a plain set of
/// the same ids would answer. Its memory is measured by scripts/bench-plan.sh, not here.
@Suite("duplicate detection")
struct UserIDHashSetTests {
    @Test("Duplicate detection for 1M ids finds every repeat, and only repeats")
    func fingerprintTable() {
        let set = UserIDHashSet()
        var allNew = true
        for index in 0..<1_000_000 {
            let id = "auth0|\(index)"
            if !set.insert(UserIDFingerprint(id)) { allNew = false }
        }
        #expect(allNew)
        #expect(set.count == 1_000_000)
        var repeatsFound = 0
        for index in stride(from: 0, to: 1_000_000, by: 997) where !set.insert(UserIDFingerprint("auth0|\(index)")) {
            repeatsFound += 1
        }
        #expect(repeatsFound == (1_000_000 + 996) / 997)
        #expect(set.contains(UserIDFingerprint("auth0|999999")))
        #expect(!set.contains(UserIDFingerprint("auth0|1000000")))
    }

    @Test("A staged table (faulted in on another thread) finds the same duplicates as an unstaged one")
    func stagedTableAgreesWithUnstaged() {
        // 400,000 slots of 16 bytes is past the 4 MiB at which the table is mapped and staged.
        // The first ids go to the staging set until the faulting ends or an eighth of the
        // capacity is staged; the repeats below then hit staged ids, moved ids and both.
        for _ in 0..<5 {
            let staged = UserIDHashSet(minimumCapacity: 400_000)
            let plain = UserIDHashSet(minimumCapacity: 400_000, stage: false)
            var expected = Set<String>()
            var generator = SystemRandomNumberGenerator()
            for step in 0..<120_000 {
                // Mostly new ids, and every so often one seen before, early or recent.
                let id =
                    step % 7 == 3 ? "auth0|\(Int.random(in: 0..<max(step, 1), using: &generator))" : "auth0|\(step)"
                let isNew = expected.insert(id).inserted
                let key = UserIDFingerprint(id)
                #expect(staged.insert(key) == isNew, "\(id) at step \(step)")
                #expect(plain.insert(key) == isNew)
            }
            #expect(staged.count == expected.count)
            #expect(staged.contains(UserIDFingerprint("auth0|0")))
            #expect(!staged.contains(UserIDFingerprint("auth0|-1")))
        }
    }
}
