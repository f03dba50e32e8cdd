import Foundation
import Testing

@Suite("command-line papercuts")
struct CommandLinePapercutTests {
    @Test("papercuts: a misspelt option is named; status on a missing file says so")
    func papercuts() async throws {
        let misspelt = try await CLIRunner.run(["plan", "--users", "u.csv", "--polcy", "p.yaml"])
        #expect(misspelt.status == 1)
        #expect(
            misspelt.stderr
                == "mfa-rollout: error: unknown option '--polcy' for mfa-rollout plan; did you mean '--policy'? (see 'mfa-rollout plan --help')\n"
        )
        let missing = try await CLIRunner.run(["status", "/nonexistent/plan.json"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "mfa-rollout: error: no such file: /nonexistent/plan.json\n")
    }

    /// `--help` paragraphs are ArgumentParser's to wrap: a line of a paragraph ends early only
    /// where the next word would not fit, and no default is said twice.
    @Test("--help: paragraphs wrap cleanly, defaults said once")
    func help() async throws {
        for command in ["", "plan", "apply", "status", "undo", "emit", "reconcile", "emulator"] {
            let result = try await CLIRunner.run((command.isEmpty ? [] : [command]) + ["--help"])
            #expect(result.status == 0)
            let lines = result.stdout.components(separatedBy: "\n")
            #expect(!result.stdout.lowercased().contains(". default "), "\(command): a default said in the text")
            for (index, line) in lines.enumerated().dropLast() {
                let next = lines[index + 1]
                // A paragraph line (not an option's, not indented) followed by more of it.
                guard !line.isEmpty, !line.hasPrefix(" "), !next.isEmpty, !next.hasPrefix(" "),
                    !line.hasSuffix(":")
                else { continue }
                let word = next.prefix { $0 != " " }
                #expect(line.count + 1 + word.count >= 80, "\(command) --help: early line end after \"\(line)\"")
            }
        }
    }
}
