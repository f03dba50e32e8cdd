import Rollout

/// The line `apply` keeps up to date while it runs: on a terminal a bar and as much of the
/// counts as fit its width, in a log plain text.
enum ApplyProgressLine {
    /// The widest the bar is drawn, and the narrowest worth drawing.
    static let barWidth = 24
    static let narrowestBar = 6

    /// One piece of the line; the lower `rank`, the more it matters on a narrow terminal.
    private struct Part {
        var text: String
        var rank: Int
    }

    static func render(_ p: ApplyProgress, style: ProgressLine.Style) -> String {
        let finished = p.done + p.skippedDrift + p.failed
        var parts = [
            Part(text: "\(finished)/\(p.total)", rank: 0), Part(text: "\(DurationText.rate(p.rate)) op/s", rank: 3),
        ]
        if p.finishedThisRun > 0, let eta = p.eta {
            parts.append(Part(text: "ETA \(DurationText.clock(eta))", rank: 4))
        }
        parts.append(Part(text: "\(p.retries) retries", rank: 8))
        parts.append(Part(text: "\(p.failed) failed", rank: p.failed > 0 ? 2 : 9))
        if p.skippedDrift > 0 { parts.append(Part(text: "\(p.skippedDrift) drifted", rank: 5)) }
        if p.rateLimited > 0 { parts.append(Part(text: "\(p.rateLimited) answered 429", rank: 6)) }
        if p.ticketsCreated + p.ticketsFailed > 0 {
            let failed = p.ticketsFailed > 0 ? " (\(p.ticketsFailed) failed)" : ""
            parts.append(Part(text: "\(p.ticketsCreated) tickets" + failed, rank: 7))
        }
        if p.stopping { parts.append(Part(text: "stopping (\(p.inFlight) in flight)", rank: 1)) }
        guard case .terminal(let columns) = style else {
            return "apply: " + parts.map(\.text).joined(separator: ", ")
        }
        // What matters most first, while it fits beside the narrowest bar; shown in order.
        let room = columns - 1
        var kept = Set<Int>()
        var width = narrowestBar + 1 - 3
        for (index, part) in parts.enumerated().sorted(by: { $0.element.rank < $1.element.rank }) {
            if kept.isEmpty || width + 3 + part.text.count <= room {
                kept.insert(index)
                width += 3 + part.text.count
            }
        }
        let text = parts.indices.filter(kept.contains).map { parts[$0].text }.joined(separator: " · ")
        let bar = min(barWidth, room - text.count - 1)
        guard bar >= narrowestBar else { return text }
        let filled = p.total > 0 ? min(bar, finished * bar / p.total) : bar
        return String(repeating: "█", count: filled) + String(repeating: "░", count: bar - filled) + " " + text
    }
}
