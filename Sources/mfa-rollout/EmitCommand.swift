import ArgumentParser
import Foundation
import MFARollout
import ManagementAPI
import Rollout

/// `mfa-rollout emit`: the plan's operations as requests for other tooling.
struct EmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract:
            "Write a plan's operations as requests for other tooling: NDJSON, HAR 1.2 or a curl script. Sends nothing.",
        discussion: """
            Each operation becomes the exact request apply would send: PATCH /api/v2/users/{id} \
            (id percent-encoded), body {"app_metadata":{"use_mfa":true,"use_mfa_source":"mfa-rollout"}} \
            with only the flag's key and its source key, \
            X-Correlation-ID set to the operation id. No token is written: HAR files carry the \
            placeholder "Bearer ${AUTH0_TOKEN}", curl scripts read $AUTH0_TOKEN when run.

            Like apply, emit refuses a plan whose guards tripped or whose operations no longer \
            match its fingerprint. Without --out the requests go to standard output; with \
            --batch-size N they are split into ops-0001.EXT, ops-0002.EXT, … in --out DIR \
            (which must not already hold such files).

            Exit codes: 0 written, 1 error or refused plan (nothing written).
            """
    )

    @Argument(help: ArgumentHelp("The plan file made by `plan --out`.", valueName: "plan.json"))
    var plan: String

    @Option(help: ArgumentHelp("ndjson, har or curl.", valueName: "ndjson|har|curl"))
    var format: EmitFormat

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Operations per file (needs --out).", valueName: "N"))
    var batchSize: Int?

    @Option(
        help: ArgumentHelp(
            "Write ops-0001.EXT, … into this directory (created if missing) instead of standard output.",
            valueName: "dir"))
    var out: String?

    @Option(
        help: ArgumentHelp(
            "curl scripts: requests a second at most (default 2, safe on the Free plan).", valueName: "R"))
    var rate: Double?

    @Option(
        help: ArgumentHelp(
            "The tenant named in URLs (HAR, curl): the plan's tenant, which is also the default (a plan made without --tenant: the placeholder YOUR_TENANT.auth0.com). Another tenant is refused.",
            valueName: "domain"))
    var domain: String?

    @Flag(name: .customLong("allow-http"), help: "Write http:// URLs; only for a loopback domain (the local emulator).")
    var allowHTTP = false

    func validate() throws {
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if batchSize != nil, out == nil {
            throw ValidationError("--batch-size needs --out DIR to write the files into")
        }
        if let rate {
            guard format == .curl else { throw ValidationError("--rate applies to --format curl only") }
            guard rate > 0, rate.isFinite else {
                throw ValidationError("--rate must be a number of requests a second above 0")
            }
        }
    }

    func run() throws {
        do {
            let plan = try PlanStream.open(path: self.plan)
            // URLs name the tenant the plan was made for, and no other.
            if let domain { try ApplyApproval.checkTenant(plan, target: domain) }
            let endpoint = try ManagementEndpoint(
                domain: domain ?? plan.outline.tenant ?? EmitOptions.placeholderDomain, allowInsecureHTTP: allowHTTP)
            let options = EmitOptions(
                format: format, batchSize: batchSize, endpoint: endpoint, rate: rate ?? EmitOptions.defaultRate)
            let files = try Emitter.render(plan, options: options)
            guard let out else {
                do {
                    for file in files { try file.write { try FileHandle.standardOutput.write(contentsOf: $0) } }
                } catch {
                    Terminal.error("cannot write to standard output: \(error.localizedDescription)")
                    throw ExitCode(1)
                }
                Terminal.note(
                    "emitted \(plan.outline.operationCount) operation(s) as \(format.rawValue) (plan \(plan.outline.fingerprint))"
                )
                return
            }
            let written = try Emitter.write(files, format: format, into: out)
            if written.isEmpty {
                Terminal.note("the plan has no operations: no files written")
            } else {
                Terminal.note(
                    "emitted \(plan.outline.operationCount) operation(s) as \(format.rawValue) into \(written.count) file(s) in \(out) (plan \(plan.outline.fingerprint))"
                )
                for path in written { Terminal.standardOutput(path + "\n") }
            }
        } catch let error as EmitError {
            Terminal.error(error.description)
            throw ExitCode(1)
        } catch let error as PlanFileError {
            Terminal.error(error.description)
            throw ExitCode(1)
        } catch let error as ManagementAPIError {
            Terminal.error("--domain: \(error)")
            throw ExitCode(1)
        } catch let error as ApplyRefusal {
            Terminal.error("refusing to emit: \(error.description)")
            throw ExitCode(1)
        }
    }
}

extension EmitFormat: ExpressibleByArgument {}
