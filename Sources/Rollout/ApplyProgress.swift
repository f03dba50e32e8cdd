import Foundation

/// A snapshot of a running apply, for progress displays.
package struct ApplyProgress: Sendable, Equatable {
    /// Operations in the plan.
    package var total: Int
    /// Done, earlier runs included.
    package var done: Int
    /// Skipped for drift, earlier runs included.
    package var skippedDrift: Int
    /// Failed in this run.
    package var failed: Int
    /// Being worked on now.
    package var inFlight: Int
    /// Not started yet in this run.
    package var waiting: Int
    /// Operations finished in this run (done, failed or skipped).
    package var finishedThisRun: Int
    /// HTTP requests sent in this run, retries and `--verify-current` GETs included.
    package var requests: Int
    /// Attempts that were followed by another (retries).
    package var retries: Int
    /// Answers with status 429.
    package var rateLimited: Int
    /// Seconds since this run started.
    package var elapsed: Double
    /// A stop was asked for (signal or error budget); in-flight operations are finishing.
    package var stopping: Bool
    /// Enrollment tickets created and failed in this run (`--enroll`).
    package var ticketsCreated: Int = 0
    package var ticketsFailed: Int = 0

    /// Operations finished per second in this run.
    package var rate: Double { elapsed > 0 ? Double(finishedThisRun) / elapsed : 0 }

    /// Seconds left at the current rate; nil before any operation finished.
    package var eta: Double? {
        let left = waiting + inFlight
        guard rate > 0 else { return left == 0 ? 0 : nil }
        return Double(left) / rate
    }
}
