import ArgumentParser
import Foundation
import MFARollout
import TenantEmulator

/// `mfa-rollout emulator`: a local Auth0 tenant for rehearsals, demos and tests.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Serve a local emulation of the Auth0 Management API, seeded from an export CSV.",
        discussion: """
            Prints the URL it listens on, then serves until SIGINT or SIGTERM. Clients get tokens \
            from POST /oauth/token (client credentials, audience http://HOST:PORT/api/v2/). \
            /__emulator/users and /__emulator/requests show the tenant and what was asked of it.
            """
    )

    @Option(help: "Export CSV (optionally .gz) to seed the users from.")
    var users: String?

    @Option(help: ArgumentHelp("Generate N users instead of reading a CSV.", valueName: "N"))
    var generate: Int?

    @Option(
        help: ArgumentHelp(
            "Roles and organizations to start with: a CSV user_id,kind,name as `mfa-rollout members` writes it (default with --generate: role admin for users whose app_metadata.roles lists admin, organization acme for @acme.example users).",
            valueName: "file"))
    var memberships: String?

    @Option(help: "Seed of the user generator.")
    var seed: UInt64 = 1

    @Option(help: "Interface to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (printed on start).")
    var port: Int = 8787

    @Option(help: "Client id accepted by /oauth/token.")
    var clientID: String = "emulator-client"

    @Option(help: "Client secret accepted by /oauth/token.")
    var clientSecret: String = "emulator-secret"

    @Option(help: "Space- or comma-separated scopes granted to tokens.")
    var scopes: String = EmulatorConfiguration.defaultScopes.joined(separator: " ")

    @Option(help: ArgumentHelp("Token lifetime in seconds.", valueName: "N"))
    var tokenTTL: Double = 86_400

    @Option(
        help:
            "Rate limits: local, free, essentials, enterprise, enterprise-nonprod or RATE/BURST (25/5: 25 a second, bucket of 5). Default: local (a bucket of 1000, refilled at 1000 a second: headers on every answer, no throttling)."
    )
    var limits: String?

    @Option(help: "Seconds an export job takes to complete.")
    var exportDelay: Double = 1

    @Option(help: "Seconds an export download link stays valid.")
    var downloadTTL: Double = 60

    @Option(help: "Share (0–1) of Management API requests answered 500/502/503.")
    var failRate: Double = 0

    @Option(help: "Milliseconds added before every Management API answer.")
    var latencyMs: Int = 0

    @Option(help: "Share (0–1) of Management API requests whose connection is closed unanswered.")
    var dropRate: Double = 0

    @Option(help: "Share (0–1) of PATCHes applied, then left unanswered (connection closed).")
    var dropAfterWriteRate: Double = 0

    @Option(help: "Seed of the fault generator.")
    var faultSeed: UInt64 = 0

    @Option(help: "JSON file: users are loaded from it on start (when it exists) and saved to it on exit.")
    var state: String?

    @Option(
        name: .customLong("tenant-config"),
        help: ArgumentHelp(
            "YAML or JSON file: MFA factors, MFA policy, Actions and Rules to start from (default: a tenant set up correctly for app_metadata.use_mfa; see docs/emulator.md).",
            valueName: "file"))
    var tenantConfig: String?

    func validate() throws {
        if users != nil && generate != nil { throw ValidationError("Give either --users or --generate, not both.") }
        if let generate, generate < 0 { throw ValidationError("--generate needs a count of 0 or more.") }
        if let limits, RateLimitPlan(parsing: limits) == nil {
            throw ValidationError(
                "--limits \(limits): expected local, free, essentials, enterprise, enterprise-nonprod or RATE/BURST.")
        }
        for (name, rate) in [
            ("--fail-rate", failRate), ("--drop-rate", dropRate), ("--drop-after-write-rate", dropAfterWriteRate),
        ]
        where !(0...1).contains(rate) {
            throw ValidationError("\(name) must be between 0 and 1.")
        }
        if !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        var configuration = EmulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.clientID = clientID
        configuration.clientSecret = clientSecret
        configuration.scopes = scopes.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        configuration.tokenTTL = tokenTTL
        configuration.exportDelay = exportDelay
        configuration.downloadLinkTTL = downloadTTL
        configuration.limits = limits.flatMap(RateLimitPlan.init(parsing:)) ?? .local
        configuration.faults = FaultConfiguration(
            failRate: failRate,
            latencyMilliseconds: latencyMs,
            dropRate: dropRate,
            dropAfterWriteRate: dropAfterWriteRate,
            seed: faultSeed
        )
        configuration.stateFile = state
        if let memberships {
            let file = try MembershipFile.load(path: memberships)
            func groups(_ kind: MembershipKind) -> [MembershipSeed.Group] {
                file.groups.enumerated().filter { $0.element.kind == kind }.map { index, group in
                    MembershipSeed.Group(name: group.name, users: file.users[index].sorted())
                }
            }
            configuration.memberships = MembershipSeed(roles: groups(.role), organizations: groups(.organization))
        }
        if let tenantConfig {
            do {
                configuration.tenantSetup = try TenantSetupConfiguration.load(path: tenantConfig)
            } catch let error as TenantSetupConfiguration.LoadError {
                throw CLIError.invalidOption("--tenant-config \(error)")
            }
        }
        if let users {
            configuration.seed = .exportFile(path: users)
        } else if let generate {
            configuration.seed = .generated(count: generate, seed: seed)
        }
        let server = try EmulatorServer(configuration: configuration)
        let userCount = await server.store.userCount
        let host = self.host
        try await server.run(handleSignals: true) { port in
            // Unbuffered, so scripts reading a pipe see the URL at once.
            FileHandle.standardOutput.write(
                Data("mfa-rollout emulator: \(userCount) users, listening on http://\(host):\(port)\n".utf8))
        }
    }
}
