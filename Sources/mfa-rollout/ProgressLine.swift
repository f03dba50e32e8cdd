import Foundation

/// Progress on long work: a line rewritten in place on a terminal, a line every few seconds
/// otherwise (logs from cron and CI stay short).
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var lastPrinted = Date.distantPast
    private let interval: TimeInterval
    private var wroteInPlace = false

    init(interval: TimeInterval? = nil) {
        self.interval = interval ?? (Terminal.standardErrorIsTerminal ? 0.1 : 5)
    }

    func update(_ text: @autoclosure () -> String) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastPrinted) >= interval else { return }
        lastPrinted = now
        if Terminal.standardErrorIsTerminal {
            Terminal.standardError("\r\u{1B}[2K" + text())
            wroteInPlace = true
        } else {
            Terminal.standardError(text() + "\n")
        }
    }

    /// Clears the in-place line before the final output.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if wroteInPlace { Terminal.standardError("\r\u{1B}[2K") }
        wroteInPlace = false
    }
}
