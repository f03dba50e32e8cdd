/// What happened on one attempt of one API call, for the caller's journal.
package struct AttemptReport: Sendable, Equatable {
    /// The call without ids, e.g. `PATCH /api/v2/users/{id}`.
    package var operation: String
    /// 1 for the first attempt.
    package var attempt: Int
    /// The HTTP status when the server answered.
    package var status: Int?
    /// Why the attempt failed; nil when it succeeded.
    package var error: ManagementAPIError?
    /// When another attempt follows: the wait before it. Nil when this attempt was the last.
    package var retryDelay: Duration?
    /// The `X-Correlation-ID` sent, if any.
    package var correlationID: String?

    /// How long the request took on the wire (sent to answered or failed), without the wait
    /// for the rate limiter; nil when it was not sent. Not compared by `==`.
    package var roundTrip: Duration?

    package init(
        operation: String, attempt: Int, status: Int?, error: ManagementAPIError?, retryDelay: Duration?,
        correlationID: String?, roundTrip: Duration? = nil
    ) {
        self.operation = operation
        self.attempt = attempt
        self.status = status
        self.error = error
        self.retryDelay = retryDelay
        self.correlationID = correlationID
        self.roundTrip = roundTrip
    }

    package static func == (left: AttemptReport, right: AttemptReport) -> Bool {
        left.operation == right.operation && left.attempt == right.attempt && left.status == right.status
            && left.error == right.error && left.retryDelay == right.retryDelay
            && left.correlationID == right.correlationID
    }

    /// The attempt got a 2xx answer.
    package var succeeded: Bool { error == nil }
    /// Another attempt follows.
    package var willRetry: Bool { retryDelay != nil }
}

/// Called after every attempt (success, retryable failure, final failure).
package typealias AttemptObserver = @Sendable (AttemptReport) async -> Void
