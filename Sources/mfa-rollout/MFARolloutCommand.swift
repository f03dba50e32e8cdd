import ArgumentParser
import MFARollout

@main
struct MFARolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfa-rollout",
        abstract: "Turn on multifactor authentication for a subset of Auth0 users, safely and in bulk.",
        version: MFARolloutInfo.version,
        subcommands: [EmulatorCommand.self]
    )
}
