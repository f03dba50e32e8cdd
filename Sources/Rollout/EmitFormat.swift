/// What `emit` writes the plan's operations as.
package enum EmitFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object a line: method, path, body, correlation id, operation id, user id.
    case ndjson
    /// An HTTP Archive 1.2 document (browsers' dev tools, Postman, k6, replay tools import it).
    case har
    /// A POSIX `sh` script that sends each request with `curl`, paced to a rate.
    case curl

    /// The file name extension of a batch file.
    package var fileExtension: String {
        switch self {
        case .ndjson: "ndjson"
        case .har: "har"
        case .curl: "sh"
        }
    }
}
