import Rollout

/// The line `apply` keeps up to date while it runs.
enum ApplyProgressLine {
    static func render(_ p: ApplyProgress) -> String {
        let finished = p.done + p.skippedDrift + p.failed
        let width = 24
        let filled = p.total > 0 ? min(width, finished * width / p.total) : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var text = "\(bar) \(finished)/\(p.total) · \(DurationText.rate(p.rate)) op/s"
        if p.finishedThisRun > 0, let eta = p.eta { text += " · ETA \(DurationText.clock(eta))" }
        text += " · \(p.retries) retries · \(p.failed) failed"
        if p.skippedDrift > 0 { text += " · \(p.skippedDrift) drifted" }
        if p.rateLimited > 0 { text += " · \(p.rateLimited)×429" }
        if p.ticketsCreated + p.ticketsFailed > 0 {
            text += " · \(p.ticketsCreated) tickets"
            if p.ticketsFailed > 0 { text += " (\(p.ticketsFailed) failed)" }
        }
        if p.stopping { text += " · stopping (\(p.inFlight) in flight)" }
        return text
    }
}
