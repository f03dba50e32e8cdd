import Foundation

/// The named temporary files this process has open, so that a signal that ends it early can
/// remove them (`removeAll`) instead of leaving `.plan.json.PID.tmp` behind.
///
/// Most temporary files have no name at all until they are complete (see
/// ``AtomicFile/Temporary``); only the short step from naming one to renaming it over its
/// target, and file systems without unnamed files, put a name here.
package enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []

    static func register(_ path: String) {
        lock.withLock { _ = paths.insert(path) }
    }

    static func unregister(_ path: String) {
        lock.withLock { _ = paths.remove(path) }
    }

    /// Removes every temporary file registered now, for a process about to end on a signal.
    package static func removeAll() {
        lock.withLock {
            for path in paths { POSIX.removeFile(path) }
            paths.removeAll()
        }
    }
}
