/// Where one operation of a plan stands, as the journal records it.
///
/// `pending` → `in-flight` → `done` | `failed` | `skipped-drift`. A run that finds `in-flight`
/// (a crash mid-request) or `failed` operations sends them again; `done` and `skipped-drift`
/// are never sent again.
package enum OperationStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Not sent yet.
    case pending
    /// Sent; the answer was not recorded yet.
    case inFlight = "in-flight"
    /// The server confirmed the new value.
    case done
    /// The server refused it (or retries ran out); the reason is in the journal.
    case failed
    /// `--verify-current` found a value other than the plan's `current`; nothing was sent.
    case skippedDrift = "skipped-drift"

    package var description: String { rawValue }
}
