import Hummingbird
import NIOCore
import Synchronization

/// The request context of the emulator: Hummingbird's core storage, the connection (so a
/// fault can close it) and notes middleware read back after the handler ran.
struct EmulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client connection.
    let channel: any Channel
    /// Set by handlers, read by the logging and fault middleware.
    let notes = RequestNotes()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Bodies up to 1 MB are accepted; handlers answer 413 above that.
    var maxUploadSize: Int { RequestBodyLimit.bytes }
}

enum RequestBodyLimit {
    /// Auth0 refuses bodies over 1 MB.
    static let bytes = 1_048_576
}

/// What happened while handling one request.
final class RequestNotes: Sendable {
    private let state = Mutex((changed: false, dropped: false, unanswered: false))

    /// A PATCH altered a stored value other than `updated_at`.
    var changed: Bool {
        get { state.withLock { $0.changed } }
        set { state.withLock { $0.changed = newValue } }
    }

    /// The connection was closed instead of answered.
    var dropped: Bool {
        get { state.withLock { $0.dropped } }
        set { state.withLock { $0.dropped = newValue } }
    }

    /// The connection was closed before the request was carried out.
    var unanswered: Bool {
        get { state.withLock { $0.unanswered } }
        set { state.withLock { $0.unanswered = newValue } }
    }
}
