import Foundation
import Logging

/// swift-log's lines, on standard error like `StreamLogHandler`'s, with the message and every
/// metadata value escaped as all other output is (`Terminal`): a server's answer or a user id
/// in a log line cannot drive the terminal or forge a line. Installed once, at start.
struct VisibleLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        var line = "\(Date().formatted(.iso8601)) \(event.level) \(label): \(event.message)"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        Terminal.standardError(Terminal.visible(line) + "\n")
    }
}
