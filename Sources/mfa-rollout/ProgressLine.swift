import Foundation

/// Progress on long work: on a terminal, one line redrawn in place, cut to the terminal's width
/// (read again at every redraw, so a resized window is followed); otherwise a plain line every
/// few seconds (logs from cron and CI stay short).
final class ProgressLine: @unchecked Sendable {
    /// How a progress text is to be drawn.
    enum Style: Equatable {
        /// In place on a terminal this many columns wide: a bar may be drawn.
        case terminal(columns: Int)
        /// A line of plain text in a log: no bar, no glyphs.
        case plain
    }

    private let lock = NSLock()
    private var lastPrinted = Date.distantPast
    private let interval: TimeInterval
    private var wroteInPlace = false

    init(interval: TimeInterval? = nil) {
        self.interval = interval ?? (Terminal.standardErrorIsTerminal ? 0.1 : 5)
    }

    /// Shows `render(style)`, unless the last update was less than the interval ago.
    func update(_ render: (Style) -> String) {
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastPrinted) >= interval else { return }
            lastPrinted = now
            if Terminal.standardErrorIsTerminal {
                let columns = Terminal.columns ?? 80
                Terminal.control("\r\u{1B}[2K", then: Self.fit(render(.terminal(columns: columns)), columns: columns))
                wroteInPlace = true
            } else {
                Terminal.standardError(render(.plain) + "\n")
            }
        }
    }

    /// Shows `text`, the same in both styles.
    func update(_ text: @autoclosure () -> String) {
        update { _ in text() }
    }

    /// A note on a line of its own: the line drawn in place (and a `^C` the terminal echoed
    /// there) is cleared first; the next update draws it again below the note.
    func note(_ message: String) {
        lock.withLock {
            Terminal.interruptionNote(message)
            wroteInPlace = false
        }
    }

    /// Clears the in-place line before the final output.
    func finish() {
        lock.withLock {
            if wroteInPlace { Terminal.control("\r\u{1B}[2K") }
            wroteInPlace = false
        }
    }

    /// `text` cut to fit `columns - 1` (a line as wide as the terminal would wrap on some), with
    /// `…` where it was cut. Every character the progress lines use is one column wide.
    static func fit(_ text: String, columns: Int) -> String {
        let room = max(columns - 1, 1)
        guard text.count > room else { return text }
        return String(text.prefix(room - 1)) + "…"
    }
}
