import ArgumentParser
import Foundation
import Logging
import MFARollout
import ManagementAPI
import Rollout

/// `mfa-rollout action`: the post-login Action that reads the policy's flag.
struct ActionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action",
        abstract: "Print (or deploy) the post-login Action that asks for MFA when the policy's flag is true.",
        discussion: """
            Prints a post-login Action for the Node 22 runtime that reads exactly the policy's flag \
            (event.user.<container>?.["<key>"] === true: only the boolean true counts) and calls \
            api.multifactor.enable("any", { allowRememberBrowser }). Paste it into the dashboard, or:

            With --deploy --domain TENANT [credentials] it creates the Action named \
            "\(PostLoginAction.defaultName)" (or updates the one with that name: POST or PATCH \
            /api/v2/actions/actions), waits for it to build, deploys it (POST …/{id}/deploy) and, when it \
            is not bound yet, binds it to post-login after the existing bindings (PATCH \
            /api/v2/actions/triggers/post-login/bindings with every other binding, in its order). No other \
            Action is changed. Needs read:actions, create:actions and update:actions.

            Exit codes: 0 printed or deployed, 1 error.
            """
    )

    @Option(help: ArgumentHelp("The policy whose flag the Action reads.", valueName: "file"))
    var policy: String

    @Flag(
        name: .customLong("allow-remember-browser"),
        help: "Let users skip the prompt on a browser they chose to remember (allowRememberBrowser: true).")
    var allowRememberBrowser = false

    @Flag(help: "Create or update, deploy and bind the Action on --domain instead of printing it.")
    var deploy = false

    @Option(help: ArgumentHelp("With --deploy: the tenant, tenant.eu.auth0.com or HOST:PORT.", valueName: "domain"))
    var domain: String?

    @Option(
        name: .customLong("client-id"),
        help: ArgumentHelp(
            "With --deploy: client id (secret from $AUTH0_CLIENT_SECRET or --client-secret-file).", valueName: "id"))
    var clientID: String?

    @Option(
        name: .customLong("client-secret-file"),
        help: ArgumentHelp("With --deploy: read the client secret from this file.", valueName: "file"))
    var clientSecretFile: String?

    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp(
            "With --deploy: read a ready token from this file ($AUTH0_TOKEN works too).", valueName: "file"))
    var tokenFile: String?

    @Flag(name: .customLong("allow-http"), help: "With --deploy: plain http, for a loopback host (the emulator).")
    var allowHTTP = false

    @Flag(help: "With --deploy: print what was done as JSON.")
    var json = false

    func validate() throws {
        if deploy && domain == nil { throw ValidationError("--deploy needs --domain") }
        if !deploy && (domain != nil || clientID != nil || clientSecretFile != nil || tokenFile != nil || allowHTTP) {
            throw ValidationError("--domain and the credential options go with --deploy")
        }
    }

    func run() async throws {
        do {
            let action = PostLoginAction(
                flag: try Policy.load(path: policy).flag, allowRememberBrowser: allowRememberBrowser)
            guard deploy, let domain else {
                Terminal.standardOutput(action.source)
                return
            }
            var arguments = ["--domain", domain]
            if let clientID { arguments += ["--client-id", clientID] }
            if let clientSecretFile { arguments += ["--client-secret-file", clientSecretFile] }
            if let tokenFile { arguments += ["--token-file", tokenFile] }
            if allowHTTP { arguments.append("--allow-http") }
            let settings = try ConnectionOptions.parse(arguments).settings()
            var logger = Logger(label: "mfa-rollout.action")
            logger.logLevel = .error
            let outcome = try await ManagementConnection.with(settings, scope: .other, logger: logger) { connection in
                try await ActionDeployer(client: connection.client).deploy(action)
            }
            if json {
                Terminal.standardOutput(try Terminal.json(outcome))
            } else {
                Terminal.standardOutput(
                    "\(outcome.change) and deployed the Action '\(outcome.name)' (\(outcome.actionID)); "
                        + (outcome.newlyBound ? "bound it to post-login" : "it was already bound to post-login")
                        + "\npost-login bindings, in order: \(outcome.bindings.map(Terminal.visible).joined(separator: ", "))\n"
                )
            }
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
    }
}
