import ArgumentParser
import Foundation
import Logging
import MFARollout

@main
struct MFARolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfa-rollout",
        abstract: "Turn on multifactor authentication for a subset of Auth0 users, safely and in bulk.",
        discussion: """
            Typical flow: `plan` reads a user export and a policy and writes a plan and reports for \
            approval; `apply` carries out exactly the approved plan.

            Exit codes: 0 nothing to change (or done), 2 changes planned, 3 a guard tripped, 4 some \
            operations failed, 1 error (including a bad command line).
            """,
        version: VersionText.text,
        subcommands: [
            PlanCommand.self, ApplyCommand.self, StatusCommand.self, UndoCommand.self, EmitCommand.self,
            ReconcileCommand.self, EmulatorCommand.self, CheckCommand.self, ActionCommand.self, MembersCommand.self,
        ]
    )

    /// Runs the command and maps every failure to the documented exit codes: ArgumentParser's
    /// own usage errors would exit 64, which scripts branching on 0/2/3 would not expect.
    static func main() async {
        LoggingSystem.bootstrap { VisibleLogHandler(label: $0) }
        let parsed: ParsableCommand
        do {
            parsed = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
            if let unknown = UnknownOption.find(in: Array(CommandLine.arguments.dropFirst())) {
                Terminal.error(unknown.description)
            } else {
                Terminal.standardError(fullMessage(for: error) + "\n")
            }
            Foundation.exit(1)
        }
        do {
            var command = parsed
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)  // --help, --version
            }
            if isOurs(error) {
                Terminal.error(String(describing: error))
            } else {
                Terminal.standardError(fullMessage(for: error) + "\n")
            }
            Foundation.exit(1)
        }
    }

    private static func isOurs(_ error: Any) -> Bool {
        error is ExportError || error is PolicyError || error is PlanningError || error is PlanFileError
            || error is CLIError
    }
}
