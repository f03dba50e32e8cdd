import Foundation

/// A snapshot of a running apply, for progress displays.
public struct ApplyProgress: Sendable, Equatable {
    /// Operations in the plan.
    public var total: Int
    /// Done, earlier runs included.
    public var done: Int
    /// Skipped for drift, earlier runs included.
    public var skippedDrift: Int
    /// Failed in this run.
    public var failed: Int
    /// Being worked on now.
    public var inFlight: Int
    /// Not started yet in this run.
    public var waiting: Int
    /// Operations finished in this run (done, failed or skipped).
    public var finishedThisRun: Int
    /// HTTP requests sent in this run, retries and `--verify-current` GETs included.
    public var requests: Int
    /// Attempts that were followed by another (retries).
    public var retries: Int
    /// Answers with status 429.
    public var rateLimited: Int
    /// Seconds since this run started.
    public var elapsed: Double
    /// A stop was asked for (signal or error budget); in-flight operations are finishing.
    public var stopping: Bool
    /// Enrollment tickets created and failed in this run (`--enroll`).
    public var ticketsCreated: Int = 0
    public var ticketsFailed: Int = 0

    /// Operations finished per second in this run.
    public var rate: Double { elapsed > 0 ? Double(finishedThisRun) / elapsed : 0 }

    /// Seconds left at the current rate; nil before any operation finished.
    public var eta: Double? {
        let left = waiting + inFlight
        guard rate > 0 else { return left == 0 ? 0 : nil }
        return Double(left) / rate
    }
}
