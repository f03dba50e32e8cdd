import Foundation
import MFARollout
import ManagementAPI
import TenantEmulator
import Testing

@testable import Rollout

/// `mfa-rollout members`' reads against the emulator: checkpoint pages, 429s, unknown names.
@Suite("membership fetch")
struct MembershipFetchTests {
    static func users(_ count: Int, prefix: String) -> [User] {
        (0..<count).map { emulatorUser("auth0|\(prefix)-\($0)", email: "\(prefix)\($0)@acme.com", mfa: nil) }
    }

    static func settings(_ emulator: RunningEmulator) -> ConnectionSettings {
        ConnectionSettings(
            domain: "127.0.0.1:\(emulator.port)", allowInsecureHTTP: true,
            credentials: .clientCredentials(clientID: "emulator-client", secret: ClientSecret("emulator-secret")),
            // The client does not pace itself: the tenant's limit is what it meets.
            limits: .custom(RateLimit(rate: 1000, burst: 100)), concurrency: 2,
            retryPolicy: RetryPolicy(maxAttempts: 20, baseDelay: .milliseconds(5), maxDelay: .milliseconds(200)),
            requestTimeout: .seconds(10))
    }

    @Test("every page of a role and an organization, past 1,000 members, while the tenant answers 429")
    func pagesUnder429() async throws {
        let admins = Self.users(1_050, prefix: "admin")
        let members = Self.users(230, prefix: "acme")
        try await withTestEmulator(
            users: admins + members,
            {
                $0.memberships = MembershipSeed(
                    roles: [.init(name: "admin", users: admins.map(\.id)), .init(name: "admin-readonly", users: [])],
                    organizations: [.init(name: "acme", users: members.map(\.id))])
                // A small bucket, which another job of the same tenant keeps empty for a while.
                $0.limits = RateLimitPlan(global: .init(burst: 2, perSecond: 5))
            }
        ) { emulator in
            // Another job shares the tenant's limit and takes every token until the fetch has been
            // answered 429: the fetch meets the limit however well it paces itself, and must wait.
            let other = Task { await Self.competingJob(emulator) }
            defer { other.cancel() }
            try await Self.waitUntil("the other job is sending") {
                await emulator.store.requests().count(where: { $0.path.hasPrefix("/api/v2/users/") }) >= 3
            }
            let fetch = MembershipFetch(roles: ["admin"], organizations: ["acme"])
            let fetching = Task {
                try await ManagementConnection.with(Self.settings(emulator), scope: .readUsers) {
                    try await fetch.fetch(client: $0.client)
                }
            }
            defer { fetching.cancel() }
            try await Self.waitUntil("the fetch is answered 429") {
                await emulator.store.requests().contains { Self.isFetch($0) && $0.status == 429 }
            }
            other.cancel()
            await other.value
            let groups = try await fetching.value
            #expect(groups.map(\.name) == ["admin", "acme"])
            #expect(groups[0].users == admins.map(\.id), "every admin once, in order")
            #expect(groups[1].users == members.map(\.id))
            let log = await emulator.store.requests()
            let pages = log.filter { $0.path.hasSuffix("/users") && $0.status == 200 }
            #expect(pages.count == 11, "1,050 role users in pages of 100")
            #expect(log.contains { Self.isFetch($0) && $0.status == 429 }, "the fetch was answered 429, and waited")

            let csv = String(decoding: MembershipFetch.csv(groups), as: UTF8.self)
            let lines = csv.split(separator: "\n")
            #expect(lines.first == "user_id,kind,name")
            #expect(lines.count == 1 + 1_050 + 230)
            #expect(lines[1] == "auth0|admin-0,role,admin")
            #expect(lines.last == "auth0|acme-229,organization,acme")
            // What `members` writes, `plan --members` reads.
            let file = try MembershipFile.parse(MembershipFetch.csv(groups), path: "members.csv")
            #expect(file.users(of: .init(kind: .role, name: "admin"))?.count == 1_050)
        }
    }

    /// Whether a logged request is one of the fetch's (the other job reads users).
    static func isFetch(_ entry: RequestLogEntry) -> Bool {
        entry.path.hasPrefix("/api/v2/roles") || entry.path.hasPrefix("/api/v2/organizations")
    }

    /// Polls `condition` every 5 ms; fails the test after 60 s instead of waiting for ever.
    static func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
        let end = ContinuousClock.now + .seconds(60)
        while !(await condition()) {
            guard ContinuousClock.now < end else {
                Issue.record("timed out waiting until \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Another client of the same tenant: requests one after the other, unpaced, until cancelled.
    static func competingJob(_ emulator: RunningEmulator) async {
        let http = ManagementClient.makeHTTPClient()
        if let endpoint = try? ManagementEndpoint(domain: "127.0.0.1:\(emulator.port)", allowInsecureHTTP: true) {
            let client = ManagementClient(
                endpoint: endpoint,
                credentials: .clientCredentials(clientID: "emulator-client", secret: ClientSecret("emulator-secret")),
                httpClient: http, rateLimiter: nil, retryPolicy: RetryPolicy(maxAttempts: 1))
            while !Task.isCancelled {
                _ = try? await client.getUser(id: "auth0|someone-else")
            }
        }
        try? await http.shutdown()
    }

    @Test("reconcile reads exactly the roles and organizations its policy names, before the export job")
    func reconcileFetchesFirst() async throws {
        let users = Self.users(6, prefix: "u")
        let fixture = try ReconcileFixture(
            """
            version: 1
            rules:
              - name: admins
                when: {role: admin}
              - name: acme
                when: {organization: [acme]}

            """)
        try await withTestEmulator(
            users: users,
            {
                $0.memberships = MembershipSeed(
                    roles: [.init(name: "admin", users: [users[0].id]), .init(name: "auditor", users: [users[1].id])],
                    organizations: [.init(name: "acme", users: [users[2].id, users[3].id])])
            }
        ) { emulator in
            let summary = try await Reconciler(fixture.request(emulator)).run()
            #expect(summary.outcome == .changesPending, "\(summary.error ?? "")")
            let plan = try PlanFile.read(from: try #require(summary.plan?.path))
            #expect(Set(plan.operations.map(\.userID)) == [users[0].id, users[2].id, users[3].id])
            #expect(plan.summary.byMembership == ["role admin": 1, "organization acme": 2])
            #expect(plan.inputs.contains { $0.role == .members && $0.path.contains("/members-") })
            let log = await emulator.store.requests().map { "\($0.method) \($0.path)" }
            let export = try #require(log.firstIndex { $0.hasPrefix("POST /api/v2/jobs/users-exports") })
            let reads = log.indices.filter { log[$0].contains("/roles") || log[$0].contains("/organizations") }
            #expect(!reads.isEmpty && reads.allSatisfy { $0 < export }, "\(log)")
            #expect(
                log.filter { $0.hasPrefix("GET /api/v2/roles/") && $0.hasSuffix("/users") }.count == 1,
                "only the role the policy names (admin), not auditor")
        }
    }

    @Test("an unknown role names the roles whose name contains it; an unknown organization is an error")
    func unknownNames() async throws {
        try await withTestEmulator(
            users: Self.users(2, prefix: "u"),
            { $0.memberships = MembershipSeed(roles: [.init(name: "admin-readonly", users: [])]) }
        ) { emulator in
            await #expect(throws: MembershipFetchError.unknownRole(name: "admin", similar: ["admin-readonly"])) {
                try await ManagementConnection.with(Self.settings(emulator), scope: .readUsers) {
                    try await MembershipFetch(roles: ["admin"], organizations: []).fetch(client: $0.client)
                }
            }
            await #expect(throws: MembershipFetchError.unknownOrganization("acme")) {
                try await ManagementConnection.with(Self.settings(emulator), scope: .readUsers) {
                    try await MembershipFetch(roles: [], organizations: ["acme"]).fetch(client: $0.client)
                }
            }
        }
    }
}
