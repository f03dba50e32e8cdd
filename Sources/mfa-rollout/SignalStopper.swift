import Dispatch
import Foundation
import MFARollout

/// Turns SIGINT/SIGTERM into a graceful stop while it lives; a second signal exits at once.
final class SignalStopper: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let lock = NSLock()
    private var received = 0

    init(onFirst: @escaping @Sendable (String) -> Void) {
        var sources: [DispatchSourceSignal] = []
        let queue = DispatchQueue(label: "mfa-rollout.signals")
        for (number, _) in POSIX.stopSignals {
            POSIX.ignoreSignal(number, true)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            sources.append(source)
        }
        self.sources = sources
        for (source, name) in zip(sources, POSIX.stopSignals.map(\.name)) {
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let count = self.lock.withLock { () -> Int in
                    self.received += 1
                    return self.received
                }
                if count == 1 {
                    onFirst(name)
                } else {
                    Terminal.interruptionNote("\(name) again: exiting now; run apply again to resume")
                    POSIX.exitNow(130)
                }
            }
            source.resume()
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        for (number, _) in POSIX.stopSignals { POSIX.ignoreSignal(number, false) }
    }
}

/// Installs the graceful-stop signal handler once an apply starts (for `reconcile`, not during
/// the export).
final class SignalHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var stopper: SignalStopper?

    func install(_ onFirst: @escaping @Sendable (String) -> Void) {
        lock.withLock { stopper = SignalStopper(onFirst: onFirst) }
    }

    func cancel() {
        lock.withLock { stopper?.cancel() }
    }
}
