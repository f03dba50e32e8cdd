import Foundation
import ManagementAPI

/// Runs one Auth0 users export to a local file: create the job, poll it with backoff until it
/// completes (or a time limit), download the gzip CSV. Download links live 60 s: when a
/// download is refused as expired or missing (403, 404, 410), the job is read again for a fresh
/// link and the download retried.
package struct ReconcileExporter: Sendable {
    /// How long and how often to poll.
    package struct Polling: Sendable {
        /// Give up when the job has not completed after this long. Default 30 min.
        package var timeout: Duration
        /// First wait between polls; doubles up to ``maximumInterval``. Default 1 s.
        package var initialInterval: Duration
        /// Default 30 s.
        package var maximumInterval: Duration
        /// Fresh links tried when downloads are refused. Default 3.
        package var downloadAttempts: Int

        package init(
            timeout: Duration = .seconds(30 * 60), initialInterval: Duration = .seconds(1),
            maximumInterval: Duration = .seconds(30), downloadAttempts: Int = 3
        ) {
            self.timeout = timeout
            self.initialInterval = initialInterval
            self.maximumInterval = maximumInterval
            self.downloadAttempts = max(1, downloadAttempts)
        }
    }

    /// What happened, for logs and the summary.
    package struct Result: Sendable, Equatable {
        package var jobID: String
        package var polls: Int
        package var downloadAttempts: Int
        package var bytes: Int
    }

    package let client: ManagementClient
    package let polling: Polling
    package let clock: any APIClock
    /// Called before each download attempt (1-based); tests use it to let a link expire.
    let beforeDownload: (@Sendable (Int) async -> Void)?
    /// Called with each job status seen while polling.
    let onStatus: (@Sendable (ExportJob) -> Void)?

    package init(
        client: ManagementClient, polling: Polling = Polling(), clock: any APIClock = SystemAPIClock(),
        onStatus: (@Sendable (ExportJob) -> Void)? = nil
    ) {
        self.init(client: client, polling: polling, clock: clock, onStatus: onStatus, beforeDownload: nil)
    }

    init(
        client: ManagementClient, polling: Polling, clock: any APIClock, onStatus: (@Sendable (ExportJob) -> Void)?,
        beforeDownload: (@Sendable (Int) async -> Void)?
    ) {
        self.client = client
        self.polling = polling
        self.clock = clock
        self.onStatus = onStatus
        self.beforeDownload = beforeDownload
    }

    /// Exports `fields` of every user into `path` (gzip CSV).
    package func export(fields: [ExportField], to path: String) async throws(ReconcileError) -> Result {
        let start = clock.now
        var job: ExportJob
        do {
            job = try await client.createUsersExport(fields: fields)
        } catch {
            throw .api(error)
        }
        var polls = 0
        var interval = polling.initialInterval
        while job.status != .completed {
            if job.status == .failed { throw .exportFailed(jobID: job.id, status: "failed") }
            // pending, processing, or a status this build does not know: poll on, within the time limit.
            let elapsed = clock.now - start
            if elapsed >= polling.timeout {
                throw .exportTimedOut(jobID: job.id, seconds: polling.timeout.seconds, lastStatus: job.status.text)
            }
            let wait = min(interval, polling.timeout - elapsed)
            do {
                try await clock.sleep(until: clock.now + wait)
            } catch {
                throw .api(.cancelled)
            }
            interval = min(interval * 2, polling.maximumInterval)
            polls += 1
            do {
                job = try await client.getJob(id: job.id)
            } catch {
                throw .api(error)
            }
            onStatus?(job)
        }

        var attempt = 0
        var lastReason = "the completed job has no download location"
        while attempt < polling.downloadAttempts {
            attempt += 1
            if attempt > 1 {
                // A fresh link: each GET of a completed job signs a new one.
                do {
                    job = try await client.getJob(id: job.id)
                } catch {
                    throw .api(error)
                }
            }
            guard let location = job.location else { continue }
            await beforeDownload?(attempt)
            do {
                let bytes = try await client.download(location, to: path)
                return Result(jobID: job.id, polls: polls, downloadAttempts: attempt, bytes: bytes)
            } catch let error {
                guard Self.isExpiredLink(error) else { throw .api(error) }
                lastReason = "\(error)"
            }
        }
        throw .downloadFailed(jobID: job.id, attempts: attempt, reason: lastReason)
    }

    /// S3 answers an expired signed URL with 403; a vanished one with 404 (or 410).
    static func isExpiredLink(_ error: ManagementAPIError) -> Bool {
        if case .http(let status, _, _) = error { return [403, 404, 410].contains(status) }
        return false
    }
}

extension ExportJob.Status {
    /// `pending`, `processing`, …
    var text: String {
        switch self {
        case .pending: "pending"
        case .processing: "processing"
        case .completed: "completed"
        case .failed: "failed"
        case .other(let text): text
        }
    }
}

extension Duration {
    /// Whole and fractional seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
