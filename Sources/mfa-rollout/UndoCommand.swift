import ArgumentParser
import Foundation
import MFARollout
import Rollout

/// `mfa-rollout undo`: writes the plan that reverses what an apply did. Never touches the network.
struct UndoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Write a new plan that restores the previous flag values of every operation that was applied.",
        discussion: """
            Reads the plan's journal and writes an ordinary plan (own fingerprint) with one operation per \
            done operation: back to true, to false, or unset (the key deleted) when the flag was absent. \
            The undo plan is for the plan's tenant. Operations that replaced a value that was not a \
            boolean are not undone. Review it, then `mfa-rollout apply UNDO.json --allow-disable …`.

            Exit codes: 0 written, 1 error (including nothing to undo).
            """
    )

    @Argument(help: ArgumentHelp("The applied plan.", valueName: "plan.json"))
    var plan: String

    @Option(help: ArgumentHelp("The journal file (default: PLAN.journal.sqlite).", valueName: "file"))
    var journal: String?

    @Option(help: ArgumentHelp("Write the undo plan here.", valueName: "file"))
    var out: String

    @Option(
        help: ArgumentHelp(
            "The tenant you mean to undo on: refused unless it is the plan's (a check, not a choice: the undo plan is for the plan's tenant).",
            valueName: "domain"))
    var domain: String?

    func validate() throws {
        guard out != plan else { throw ValidationError("--out must not overwrite the plan being undone") }
    }

    func run() throws {
        do {
            let plan = try PlanStream.open(path: self.plan)
            if let domain { try ApplyApproval.checkTenant(plan, target: domain) }
            let path = journal ?? ApplyJournal.defaultPath(forPlan: self.plan)
            let journal = try ApplyJournal.openExisting(path: path, plan: plan)
            let counts = try journal.counts()
            let unfinished = (counts[.inFlight] ?? 0) + (counts[.pending] ?? 0) + (counts[.failed] ?? 0)
            let undo = try UndoPlanner.writeUndoPlan(of: plan, journal: journal, to: out)
            if (counts[.inFlight] ?? 0) > 0 {
                Terminal.note(
                    "warning: \(counts[.inFlight] ?? 0) operations are in flight (an apply is running or was killed); they may have been applied and are not undone"
                )
            }
            Terminal.standardOutput(
                """
                Undo plan written to \(out): \(undo.operationCount) operations (\(undo.summary.enable) back to true, \(undo.summary.disable) back to false or unset).
                \(unfinished > 0 ? "\(unfinished) operations of the plan are not done and need no undo.\n" : "")Fingerprint: \(undo.fingerprint)
                Apply it with: mfa-rollout apply \(ShellQuoting.word(out)) --approve \(undo.fingerprint)\(undo.summary.disable > 0 ? " --allow-disable" : "") --domain \(undo.tenant.map(ShellQuoting.word) ?? "…") …

                """)
        } catch {
            Terminal.error(Terminal.describe(error))
            throw ExitCode.failure
        }
    }
}
