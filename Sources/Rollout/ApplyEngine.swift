import Foundation
import Logging
import MFARollout
import ManagementAPI

/// Carries out a plan against the Management API: one PATCH of the owned keys (the flag and its
/// source key) per operation, `concurrency` workers sharing the client's token bucket, every
/// status change journaled before and after the request.
///
/// With ``ApplyOptions/enroll``, each enable that ends `done` is followed by a Guardian
/// enrollment ticket for its user, through the same client (same token bucket), journaled the
/// same way: the ticket is owed in the transaction that records the PATCH done, marked in flight
/// before its request and done (with its id, never its URL) after.
///
/// The engine knows nothing about signals: call ``stop()`` (from a signal handler, a test, a
/// UI) and no new operation starts; the ones in flight finish and are journaled.
/// One engine serves one ``run(now:)``; make a new one to run again.
package final class ApplyEngine: Sendable {
    /// The plan: its operations are read one at a time as workers take them.
    package let plan: any PlanOperationSource
    package let journal: ApplyJournal
    package let client: ManagementClient
    package let options: ApplyOptions
    private let state: RunState
    private let logger: Logger

    /// - Parameters:
    ///   - plan: a plan opened with `PlanStream.open` (its fingerprint verified), or made in memory.
    ///   - journal: the plan's journal (``ApplyJournal/open(path:plan:)``).
    ///   - client: a client with the shared rate limiter (``ManagementConnection``).
    package init(
        plan: any PlanOperationSource, journal: ApplyJournal, client: ManagementClient, options: ApplyOptions,
        logger: Logger = Logger(label: "mfa-rollout.apply")
    ) {
        self.plan = plan
        self.journal = journal
        self.client = client
        self.options = options
        self.state = RunState(
            total: plan.outline.operationCount, maxFailures: options.maxFailures,
            sizing: InFlightSizing(ceiling: options.concurrency, rate: client.rateLimiter?.configured.rate))
        self.logger = logger
    }

    /// Asks the run to stop: no new operation starts; in-flight ones finish and are journaled.
    /// Safe to call from any thread, any number of times.
    package func stop() {
        state.requestStop()
    }

    /// The current progress (cheap; call it from a timer).
    package func progress() -> ApplyProgress {
        state.snapshot()
    }

    /// Checks the plan (``ApplyApproval/check(_:tenant:options:now:)``, against the journal's
    /// tenant), then applies every operation
    /// the journal does not record as done or skipped.
    /// - Throws: ``ApplyRefusal`` before anything is sent, ``JournalError`` when the journal
    ///   cannot be prepared, ``ManagementAPIError`` when no token can be had, ``TicketFileError``
    ///   when `--enroll` without email has no usable ticket file (before anything is sent). Failures of single operations are in the summary, not thrown.
    package func run(now: Date = Date()) async throws -> ApplySummary {
        let fingerprint = plan.outline.fingerprint
        guard journal.fingerprint == fingerprint else {
            throw JournalError.boundToAnotherPlan(
                path: journal.path, journalFingerprint: journal.fingerprint, planFingerprint: fingerprint)
        }
        guard let tenant = journal.tenant else { throw ApplyRefusal.noTenant }
        try ApplyApproval.check(plan, tenant: tenant, options: options, now: now)
        let target = try ApplyApproval.flagPatchTarget(plan)
        let counts = try journal.counts()
        let ticketFile = try openTicketFile()
        let pending = try await journal.prepareRun()
        // Tickets owed by earlier runs (stopped, crashed, or failed) come first.
        let owedTickets = options.enroll == nil ? [] : try journal.ticketsOwed()
        if !pending.isEmpty || !owedTickets.isEmpty {
            // Bad credentials, a wrong domain or TLS trouble show here, before any user is touched.
            _ = try await client.tokens.token()
        }
        state.start(
            queue: OperationFeed(try plan.operationCursor(), indexes: pending),
            tickets: OperationFeed(try plan.operationCursor(), indexes: owedTickets), doneBefore: counts[.done] ?? 0,
            skippedBefore: counts[.skippedDrift] ?? 0)
        logger.info(
            "apply starting",
            metadata: [
                "fingerprint": "\(fingerprint)", "pending": "\(pending.count)",
                "total": "\(plan.outline.operationCount)",
            ])

        let workers = min(options.concurrency, max(pending.count, 1))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while let work = self.state.take() {
                        switch work {
                        case .wait:
                            // As many requests are in flight as the rate and the latency need.
                            await self.state.park()
                        case .ticket(let index, let operation):
                            await self.requestTicket(index, operation, file: ticketFile)
                        case .operation(let index, let operation):
                            await self.process(
                                index, operation, container: target.container, key: target.key,
                                ticketFile: ticketFile)
                        }
                    }
                }
            }
        }
        return try summary()
    }

    /// The file for ticket URLs when tickets are not emailed; opened before anything is sent.
    private func openTicketFile() throws(TicketFileError) -> TicketFile? {
        guard let enroll = options.enroll, !enroll.sendMail else { return nil }
        guard let path = enroll.ticketFile else { throw .noPath }
        return try TicketFile.open(path: path)
    }

    // MARK: One operation

    /// A fresh per-request attempt tally, and an observer that feeds it and the run's totals.
    private func tallied() -> (AttemptTally, AttemptObserver) {
        let attempts = AttemptTally()
        let state = self.state
        return (
            attempts,
            { report in
                attempts.record(report)
                state.record(report)
            }
        )
    }

    private func process(
        _ index: Int, _ operation: PlanOperation, container: MetadataContainer, key: String, ticketFile: TicketFile?
    ) async {
        let (attempts, observer) = tallied()
        do {
            try await journal.markInFlight(index, operation)
        } catch {
            state.fail(fatal: error.description)
            state.finish(nil)
            return
        }

        var before = operation.current
        var observed = false
        if options.verifyCurrent {
            do {
                let user = try await client.getUser(
                    id: operation.userID, correlationID: operation.id, observer: observer)
                let actual = Self.flagValue(of: user, container: container, key: key)
                guard actual == operation.current else {
                    let found = actual == .other ? "a non-boolean value" : actual.rawValue
                    await record(
                        index,
                        OperationOutcome(
                            status: .skippedDrift, attempts: attempts.count, httpStatus: attempts.lastStatus,
                            error:
                                "the flag is now \(found), the plan expected \(operation.current.rawValue); not sent",
                            valueBefore: actual, valueBeforeObserved: true))
                    return
                }
                before = operation.current
                observed = true
            } catch {
                await handle(
                    error, index: index, id: operation.id, attempts: attempts, before: nil, observed: false,
                    during: "reading the user")
                return
            }
        }

        do {
            let patch = try OperationPatch.make(operation, flag: plan.outline.flag)
            _ = try await client.patchUser(
                id: operation.userID, body: patch, correlationID: operation.id, observer: observer)
            let owesTicket = options.enroll != nil && operation.desired == .on
            let journaled = await record(
                index,
                OperationOutcome(
                    status: .done, attempts: attempts.count, httpStatus: attempts.lastStatus, error: nil,
                    valueBefore: before, valueBeforeObserved: observed),
                owesTicket: owesTicket)
            if owesTicket && journaled {
                // A stopping run leaves the ticket pending in the journal; the next run requests it.
                if state.isStopping {
                    state.leaveTicket()
                } else {
                    await requestTicket(index, operation, file: ticketFile)
                }
            }
        } catch {
            await handle(
                error, index: index, id: operation.id, attempts: attempts, before: before, observed: observed,
                during: "writing the flag")
        }
    }

    // MARK: One enrollment ticket

    /// Requests the enrollment ticket of operation `index` (its PATCH is done), journaling it
    /// in flight before and done or failed after. A crash in between leaves it in flight and
    /// the next run requests it again: Auth0 has no idempotency key, so that one window can
    /// mean a second ticket (and a second email).
    private func requestTicket(_ index: Int, _ operation: PlanOperation, file: TicketFile?) async {
        guard let enroll = options.enroll else { return }
        let (attempts, observer) = tallied()
        let (lookups, lookupObserver) = tallied()
        do {
            try await journal.markTicketInFlight(index)
        } catch {
            state.fail(fatal: error.description)
            return
        }
        let ticket: EnrollmentTicket
        do {
            // A user who already enrolled a factor needs no ticket, and a second run of the
            // same plan (a copy, a crash before the journal caught up) sends no second email.
            let enrolled = try await client.getEnrollments(
                userID: operation.userID, correlationID: operation.id, observer: lookupObserver)
            if enrolled.contains(where: \.isConfirmed) {
                await recordTicket(
                    index, TicketOutcome(status: .alreadyEnrolled, ticketID: nil, attempts: lookups.count, error: nil))
                return
            }
            // No `email`: Auth0 mails the address the account has now, not the export's.
            ticket = try await client.createEnrollmentTicket(
                userID: operation.userID, sendMail: enroll.sendMail, factor: enroll.factor,
                correlationID: operation.id, observer: observer)
        } catch {
            switch Self.disposition(of: error) {
            case .operationFailed(let reason):
                await recordTicket(
                    index, TicketOutcome(status: .failed, ticketID: nil, attempts: attempts.count, error: reason))
            case .fatal(let reason):
                state.fail(fatal: reason)
                await releaseTicket(index, attempts: attempts.count)
            case .cancelled:
                await releaseTicket(index, attempts: attempts.count)
            }
            logger.debug("enrollment ticket not created", metadata: ["id": "\(operation.id)", "error": "\(error)"])
            return
        }
        if let file {
            do {
                try file.append(userID: operation.userID, email: operation.email, url: ticket.ticketURL)
            } catch {
                // The ticket exists but its URL is lost: journaled failed, it is requested again next run.
                await recordTicket(
                    index,
                    TicketOutcome(
                        status: .failed, ticketID: ticket.ticketID, attempts: attempts.count,
                        error: "created, but its URL could not be written: \(error.description)"))
                state.fail(fatal: error.description)
                return
            }
        }
        await recordTicket(
            index, TicketOutcome(status: .done, ticketID: ticket.ticketID, attempts: attempts.count, error: nil))
    }

    private func recordTicket(_ index: Int, _ outcome: TicketOutcome) async {
        do {
            try await journal.finishTicket(index, outcome)
            if outcome.status != .alreadyEnrolled { state.finishTicket(created: outcome.status == .done) }
        } catch {
            state.fail(fatal: error.description)
        }
    }

    private func releaseTicket(_ index: Int, attempts: Int) async {
        state.leaveTicket()
        do {
            try await journal.releaseTicket(index, attempts: attempts)
        } catch {
            state.fail(fatal: error.description)
        }
    }

    private func handle(
        _ error: ManagementAPIError, index: Int, id: String, attempts: AttemptTally, before: FlagValue?,
        observed: Bool,
        during: String
    ) async {
        switch Self.disposition(of: error) {
        case .operationFailed(let reason):
            await record(
                index,
                OperationOutcome(
                    status: .failed, attempts: attempts.count, httpStatus: error.statusCode ?? attempts.lastStatus,
                    error: reason, valueBefore: before, valueBeforeObserved: observed))
        case .fatal(let reason):
            // Not this operation's fault: it goes back to pending, and the run stops.
            state.fail(fatal: reason)
            do {
                try await journal.release(index, attempts: attempts.count)
            } catch {
                state.fail(fatal: error.description)
            }
            state.finish(nil)
        case .cancelled:
            do {
                try await journal.release(index, attempts: attempts.count)
            } catch {
                state.fail(fatal: error.description)
            }
            state.finish(nil)
        }
        logger.debug(
            "operation did not complete",
            metadata: ["id": "\(id)", "while": "\(during)", "error": "\(error)"])
    }

    /// Journals how an operation ended; false when the journal could not be written.
    @discardableResult
    private func record(_ index: Int, _ outcome: OperationOutcome, owesTicket: Bool = false) async -> Bool {
        do {
            try await journal.finish(index, outcome, owesTicket: owesTicket)
            state.finish(outcome.status)
            return true
        } catch {
            state.fail(fatal: error.description)
            state.finish(nil)
            return false
        }
    }

    enum Disposition: Equatable {
        case operationFailed(String)
        case fatal(String)
        case cancelled
    }

    /// Which errors end one operation and which end the run: bad credentials and missing
    /// scopes would fail every further request the same way.
    static func disposition(of error: ManagementAPIError) -> Disposition {
        switch error {
        case .cancelled:
            return .cancelled
        case .invalidCredentials, .insecureURL, .invalidDomain, .transport(.tls, _, _):
            return .fatal(error.description)
        case .http(let status, _, _) where status == 401 || status == 403:
            return .fatal(error.description)
        case .http(404, _, _):
            return .operationFailed("the user does not exist (HTTP 404): \(error.description)")
        default:
            return .operationFailed(error.description)
        }
    }

    /// The flag as the tenant holds it.
    static func flagValue(of user: ManagementUser, container: MetadataContainer, key: String) -> FlagValue {
        switch user.metadata(container)[key] {
        case nil, .null?: return .absent
        case .bool(true)?: return .on
        case .bool(false)?: return .off
        default: return .other
        }
    }

    /// The PATCH value for a desired flag: `true`, `false`, or nil (`null`, deletes the key).
    static func patchValue(_ desired: FlagValue) -> Bool? {
        switch desired {
        case .on: true
        case .off: false
        case .absent, .other: nil
        }
    }

    // MARK: Summary

    private func summary() throws -> ApplySummary {
        let counts = try journal.counts()
        let snapshot = state.snapshot()
        let end = state.ending()
        let failures = try journal.records([.failed, .skippedDrift])
        func entry(_ record: JournalRecord) -> ApplySummary.Failure {
            .init(id: record.id, userID: record.userID, httpStatus: record.httpStatus, reason: record.lastError ?? "")
        }
        let limit = client.rateLimiter?.configured
        var tickets: ApplySummary.Tickets?
        if let enroll = options.enroll {
            let ticketCounts = try journal.ticketCounts()
            let failedTickets = try journal.records([.done], ticketStatus: .failed)
            tickets = ApplySummary.Tickets(
                sendMail: enroll.sendMail, ticketFile: enroll.sendMail ? nil : enroll.ticketFile,
                created: ticketCounts[.done] ?? 0, createdThisRun: snapshot.ticketsCreated,
                failed: ticketCounts[.failed] ?? 0,
                pending: (ticketCounts[.pending] ?? 0) + (ticketCounts[.inFlight] ?? 0),
                alreadyEnrolled: ticketCounts[.alreadyEnrolled] ?? 0,
                failures: failedTickets.map {
                    .init(id: $0.id, userID: $0.userID, httpStatus: nil, reason: $0.ticketError ?? "")
                })
        }
        return ApplySummary(
            fingerprint: plan.outline.fingerprint, journal: journal.path, ending: end.ending,
            fatalError: end.fatalError, total: plan.outline.operationCount, done: counts[.done] ?? 0,
            failed: counts[.failed] ?? 0,
            skippedDrift: counts[.skippedDrift] ?? 0, pending: (counts[.pending] ?? 0) + (counts[.inFlight] ?? 0),
            doneThisRun: state.doneThisRun, failedThisRun: snapshot.failed, skippedThisRun: state.skippedThisRun,
            requests: snapshot.requests, retries: snapshot.retries, rateLimited: snapshot.rateLimited,
            elapsedSeconds: snapshot.elapsed,
            requestsPerSecond: snapshot.elapsed > 0 ? Double(snapshot.requests) / snapshot.elapsed : 0,
            configuredRate: limit?.rate ?? 0, configuredBurst: limit?.burst ?? 0,
            failures: failures.filter { $0.status == .failed }.map(entry),
            drifted: failures.filter { $0.status == .skippedDrift }.map(entry), tickets: tickets)
    }
}

/// Attempts of one operation.
private final class AttemptTally: @unchecked Sendable {
    private let lock = NSLock()
    private var attempts = 0
    private var status: Int?

    func record(_ report: AttemptReport) {
        lock.withLock {
            attempts += 1
            if let reported = report.status { status = reported }
        }
    }

    var count: Int { lock.withLock { attempts } }
    var lastStatus: Int? { lock.withLock { status } }
}

/// One unit of work for a worker.
private enum Work {
    /// An operation (its PATCH, and its ticket if one is owed).
    case operation(Int, PlanOperation)
    /// The ticket of an operation done by an earlier run.
    case ticket(Int, PlanOperation)
    /// Nothing to start now (enough requests are in flight): park until one ends.
    case wait
}

/// Operations of the plan at `indexes` (ascending), read from the plan as they are taken:
/// only the indexes are held, not the operations.
private final class OperationFeed {
    private let cursor: PlanOperationCursor?
    private let indexes: [Int]
    private var next = 0

    init(_ cursor: PlanOperationCursor, indexes: [Int]) {
        self.cursor = cursor
        self.indexes = indexes
    }

    /// No operations.
    init() {
        cursor = nil
        indexes = []
    }

    /// Operations not taken yet.
    var remaining: Int { indexes.count - next }

    /// The next operation and its index, nil when all are taken.
    func take() throws(PlanFileError) -> (Int, PlanOperation)? {
        guard next < indexes.count, let cursor else { return nil }
        let index = indexes[next]
        try cursor.skip(to: index)
        guard let (found, operation) = try cursor.next(), found == index else {
            throw .malformed(
                path: "the plan", reason: "the journal lists operation \(index), which the plan does not hold")
        }
        next += 1
        return (index, operation)
    }
}

/// The shared state of one run: the work queue, the stop flag, the counters.
private final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private var tickets = OperationFeed()
    /// A ticket was left owed (stop, cancellation, fatal error).
    private var ticketLeft = false
    private var ticketsCreated = 0
    private var ticketsFailed = 0
    private let total: Int
    private let maxFailures: Int?
    private var queue = OperationFeed()
    private var inFlight = 0
    private var stopRequested = false
    private var fatalError: String?
    private var budgetExceeded = false
    private var started = ContinuousClock.now
    private var doneBefore = 0
    private var skippedBefore = 0
    private(set) var doneThisRun = 0
    private(set) var skippedThisRun = 0
    private var failedThisRun = 0
    private var requests = 0
    private var retries = 0
    private var rateLimited = 0

    private var sizing: InFlightSizing
    /// Workers waiting for a request in flight to end (``park()``).
    private var parked: [CheckedContinuation<Void, Never>] = []

    init(total: Int, maxFailures: Int?, sizing: InFlightSizing) {
        self.total = total
        self.maxFailures = maxFailures
        self.sizing = sizing
    }

    func start(queue: OperationFeed, tickets: OperationFeed, doneBefore: Int, skippedBefore: Int) {
        lock.withLock {
            self.queue = queue
            self.tickets = tickets
            self.doneBefore = doneBefore
            self.skippedBefore = skippedBefore
            started = ContinuousClock.now
        }
    }

    /// The next work (owed tickets first), or nil when there is none or the run is stopping.
    func take() -> Work? {
        lock.withLock { () -> Work? in
            guard !stopRequested, fatalError == nil, !budgetExceeded else {
                wakeParked()
                return nil
            }
            do {
                if let (index, operation) = try tickets.take() { return .ticket(index, operation) }
                guard queue.remaining > 0 else {
                    // The parked workers have nothing left to wait for either.
                    wakeParked()
                    return nil
                }
                if inFlight >= sizing.target { return .wait }
                guard let (index, operation) = try queue.take() else { return nil }
                inFlight += 1
                return .operation(index, operation)
            } catch {
                // The plan file changed under the run: nothing more is read from it.
                if fatalError == nil { fatalError = "\(error)" }
                wakeParked()
                return nil
            }
        }
    }

    /// Waits until fewer requests are in flight than the sizing wants, or the run ends.
    func park() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                let ending = stopRequested || fatalError != nil || budgetExceeded || queue.remaining == 0
                if ending || inFlight < sizing.target { return true }
                parked.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Resumes parked workers: as many as may start a request now, or all (the lock is held).
    private func wakeParked(all: Bool = true) {
        let count = all ? parked.count : min(parked.count, max(0, sizing.target - inFlight))
        for _ in 0..<count { parked.removeLast().resume() }
    }

    var isStopping: Bool {
        lock.withLock { stopRequested || fatalError != nil || budgetExceeded }
    }

    func finishTicket(created: Bool) {
        lock.withLock {
            if created { ticketsCreated += 1 } else { ticketsFailed += 1 }
        }
    }

    func leaveTicket() {
        lock.withLock { ticketLeft = true }
    }

    /// An operation ended with `status` (nil: released back to pending).
    func finish(_ status: OperationStatus?) {
        lock.withLock {
            inFlight -= 1
            switch status {
            case .done?: doneThisRun += 1
            case .skippedDrift?: skippedThisRun += 1
            case .failed?:
                failedThisRun += 1
                if let maxFailures, failedThisRun > maxFailures { budgetExceeded = true }
            default: break
            }
            wakeParked(all: budgetExceeded)
        }
    }

    func record(_ report: AttemptReport) {
        lock.withLock {
            requests += 1
            if let roundTrip = report.roundTrip {
                let parts = roundTrip.components
                sizing.observe(roundTrip: Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
                wakeParked(all: false)
            }
            if report.willRetry { retries += 1 }
            if report.status == 429 { rateLimited += 1 }
        }
    }

    func requestStop() {
        lock.withLock {
            stopRequested = true
            wakeParked()
        }
    }

    func fail(fatal reason: String) {
        lock.withLock {
            if fatalError == nil { fatalError = reason }
            wakeParked()
        }
    }

    func ending() -> (ending: ApplySummary.Ending, fatalError: String?) {
        lock.withLock {
            if let fatalError { return (.fatalError, fatalError) }
            if budgetExceeded { return (.errorBudgetExceeded, nil) }
            if stopRequested && (queue.remaining > 0 || tickets.remaining > 0 || ticketLeft) {
                return (.stopped, nil)
            }
            return (.completed, nil)
        }
    }

    func snapshot() -> ApplyProgress {
        lock.withLock {
            ApplyProgress(
                total: total, done: doneBefore + doneThisRun, skippedDrift: skippedBefore + skippedThisRun,
                failed: failedThisRun, inFlight: inFlight, waiting: queue.remaining,
                finishedThisRun: doneThisRun + skippedThisRun + failedThisRun, requests: requests, retries: retries,
                rateLimited: rateLimited, elapsed: (ContinuousClock.now - started).secondsValue,
                stopping: stopRequested || budgetExceeded || fatalError != nil, ticketsCreated: ticketsCreated,
                ticketsFailed: ticketsFailed)
        }
    }
}

extension Duration {
    fileprivate var secondsValue: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
