import ArgumentParser
import Foundation
import ManagementAPI
import Rollout

/// Where the tenant is, how to authenticate and how fast to go; shared by `apply` and
/// `reconcile` (`@OptionGroup var connection: ConnectionOptions`).
///
/// Secrets never come from a bare command-line value (it would show in `ps` and shell
/// history): the client secret comes from `AUTH0_CLIENT_SECRET` or `--client-secret-file`,
/// a ready token from `AUTH0_TOKEN` or `--token-file`.
struct ConnectionOptions: ParsableArguments {
    static let secretEnvironmentVariable = "AUTH0_CLIENT_SECRET"
    static let tokenEnvironmentVariable = "AUTH0_TOKEN"

    @Option(help: ArgumentHelp("The tenant: tenant.eu.auth0.com, or HOST:PORT.", valueName: "domain"))
    var domain: String

    @Option(
        name: .customLong("client-id"),
        help: ArgumentHelp(
            "Client id of a machine-to-machine application (client-credentials grant). Its secret comes from $AUTH0_CLIENT_SECRET or --client-secret-file.",
            valueName: "id"))
    var clientID: String?

    @Option(
        name: .customLong("client-secret-file"),
        help: ArgumentHelp("Read the client secret from this file (surrounding whitespace ignored).", valueName: "file")
    )
    var clientSecretFile: String?

    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp(
            "Read a ready Management API token from this file instead of using client credentials ($AUTH0_TOKEN works too). It cannot be refreshed.",
            valueName: "file"))
    var tokenFile: String?

    @Flag(
        name: .customLong("allow-http"), help: "Use plain http; accepted only for a loopback host (the local emulator)."
    )
    var allowHTTP = false

    @Option(
        help: ArgumentHelp(
            "Rate limits of your Auth0 plan: free, essentials, enterprise or enterprise-non-production (default essentials: 200/min, burst 20).",
            valueName: "plan"))
    var limits: String?

    @Option(help: ArgumentHelp("Sustained requests per second (with --burst), instead of --limits.", valueName: "r"))
    var rate: Double?

    @Option(help: ArgumentHelp("Bucket size: requests that may go at once (with --rate).", valueName: "b"))
    var burst: Int?

    @Option(help: ArgumentHelp("Requests in flight at most.", valueName: "n"))
    var concurrency: Int = ConnectionSettings.defaultConcurrency

    func validate() throws {
        if limits != nil && (rate != nil || burst != nil) {
            throw ValidationError("give either --limits or --rate and --burst, not both")
        }
        if let limits, RateLimit.Plan(name: limits) == nil {
            let names = RateLimit.Plan.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--limits \(limits): expected one of \(names)")
        }
        if (rate == nil) != (burst == nil) { throw ValidationError("--rate and --burst go together") }
        if let rate, !(rate > 0 && rate.isFinite) { throw ValidationError("--rate must be a positive number") }
        if let burst, burst < 1 { throw ValidationError("--burst must be at least 1") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
        if tokenFile != nil && (clientID != nil || clientSecretFile != nil) {
            throw ValidationError("--token-file replaces --client-id and --client-secret-file; give one or the other")
        }
        if clientSecretFile != nil && clientID == nil {
            throw ValidationError("--client-secret-file needs --client-id")
        }
    }

    /// The rate limits chosen on the command line.
    var resolvedLimits: ConnectionSettings.Limits {
        if let limits, let plan = RateLimit.Plan(name: limits) { return .preset(plan) }
        if let rate, let burst { return .custom(RateLimit(rate: rate, burst: burst)) }
        return ConnectionSettings.defaultLimits
    }

    /// Resolves credentials from the environment and files.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConnectionSettings {
        ConnectionSettings(
            domain: domain, allowInsecureHTTP: allowHTTP, credentials: try credentials(environment: environment),
            limits: resolvedLimits, concurrency: concurrency)
    }

    func credentials(environment: [String: String]) throws -> ManagementCredentials {
        if let tokenFile {
            return .staticToken(BearerToken(try Self.readSecret(tokenFile, what: "token")))
        }
        if let clientID {
            guard !clientID.isEmpty else { throw CLIError.invalidOption("--client-id is empty") }
            if let clientSecretFile {
                return .clientCredentials(
                    clientID: clientID,
                    secret: ClientSecret(try Self.readSecret(clientSecretFile, what: "client secret")))
            }
            if let secret = environment[Self.secretEnvironmentVariable]?.trimmingCharacters(
                in: .whitespacesAndNewlines),
                !secret.isEmpty
            {
                return .clientCredentials(clientID: clientID, secret: ClientSecret(secret))
            }
            throw CLIError.invalidOption(
                "--client-id needs its secret: set \(Self.secretEnvironmentVariable) or give --client-secret-file FILE")
        }
        if let token = environment[Self.tokenEnvironmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !token.isEmpty
        {
            return .staticToken(BearerToken(token))
        }
        throw CLIError.invalidOption(
            "no credentials: give --client-id with \(Self.secretEnvironmentVariable) or --client-secret-file, or a token in \(Self.tokenEnvironmentVariable) or --token-file"
        )
    }

    /// Reads a secret file; errors name the file, never its content.
    static func readSecret(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.invalidOption("\(path): cannot read the \(what) file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError.invalidOption("\(path): the \(what) file is not UTF-8 text")
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw CLIError.invalidOption("\(path): the \(what) file is empty") }
        guard !value.contains(where: { $0.isNewline }) else {
            throw CLIError.invalidOption("\(path): the \(what) file holds more than one line")
        }
        return value
    }
}
