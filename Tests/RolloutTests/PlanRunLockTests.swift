import Foundation
import Rollout
import Testing

@Suite("the host-wide lock of a plan and tenant")
struct PlanRunLockTests {
    @Test("one run of a plan against a tenant at a time, whatever its journal; other plans and tenants are free")
    func oneRunAtATime() throws {
        let directory = try Fixture.temporaryDirectory().appendingPathComponent("state").path
        let fingerprint = "sha256:" + String(repeating: "ab", count: 32)
        let held = try PlanRunLock.acquire(tenant: "acme.eu.auth0.com", fingerprint: fingerprint, directory: directory)
        let refusal = #expect(throws: PlanRunLockError.self) {
            try PlanRunLock.acquire(tenant: "acme.eu.auth0.com", fingerprint: fingerprint, directory: directory)
        }
        guard case .held(_, _, _, let holder) = refusal else {
            Issue.record("expected held, got \(String(describing: refusal))")
            return
        }
        #expect(holder.pid == getpid())
        #expect(refusal?.description.contains("another run of plan \(fingerprint) against acme.eu.auth0.com") == true)
        // Another tenant, or another plan, is another lock.
        let other = try PlanRunLock.acquire(tenant: "acme.us.auth0.com", fingerprint: fingerprint, directory: directory)
        let another = try PlanRunLock.acquire(
            tenant: "acme.eu.auth0.com", fingerprint: "sha256:" + String(repeating: "cd", count: 32),
            directory: directory)
        other.release()
        another.release()
        held.release()
        try PlanRunLock.acquire(tenant: "acme.eu.auth0.com", fingerprint: fingerprint, directory: directory).release()
        // The state directory is private.
        var info = stat()
        #expect(stat(directory + "/locks", &info) == 0 && info.st_mode & 0o777 == 0o700)
    }

    @Test("the default state directory: MFA_ROLLOUT_STATE_DIR, else XDG_STATE_HOME, else ~/.local/state")
    func defaultDirectory() {
        #expect(PlanRunLock.defaultDirectory(environment: ["MFA_ROLLOUT_STATE_DIR": "/x", "HOME": "/h"]) == "/x")
        #expect(PlanRunLock.defaultDirectory(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/mfa-rollout")
        #expect(PlanRunLock.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.local/state/mfa-rollout")
    }
}
