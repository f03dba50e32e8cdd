import Foundation

/// Programs some tests run that the package does not build (`sh`, `curl`, `gzip`, `python3`):
/// a test that needs one is skipped, with the reason, where it is missing.
package enum ExternalTool {
    /// The full path of `name` on `PATH`, or nil.
    package static func path(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Whether every one of `names` is on `PATH`.
    package static func available(_ names: String...) -> Bool {
        names.allSatisfy { path($0) != nil }
    }
}
