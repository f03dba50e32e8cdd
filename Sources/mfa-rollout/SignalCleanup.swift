import Dispatch
import Foundation
import MFARollout

/// For a command with nothing to finish gracefully (`plan`): while it lives, a signal that ends
/// the run (SIGINT, SIGTERM, SIGHUP) removes the temporary files the run has named
/// (`TemporaryFiles`), says so on a line of its own, and exits with 128 + the signal's number.
/// Files being written have no name at all where the system allows, so `kill -9` leaves
/// nothing behind either.
final class SignalCleanup: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    init() {
        let queue = DispatchQueue(label: "mfa-rollout.signal-cleanup")
        var sources: [DispatchSourceSignal] = []
        for (number, name) in POSIX.endSignals {
            POSIX.ignoreSignal(number, true)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                TemporaryFiles.removeAll()
                Terminal.interruptionNote("\(name) received: stopped; no file was left half-written")
                POSIX.exitNow(128 + number)
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
        for (number, _) in POSIX.endSignals { POSIX.ignoreSignal(number, false) }
    }
}
