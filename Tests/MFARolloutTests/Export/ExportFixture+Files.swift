import Foundation

@testable import MFARollout

extension ExportFixture {
    /// A file of the hostile corpus (`Fixtures/hostile`, described in its README).
    static func hostile(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("hostile").appendingPathComponent(name).path
    }

    /// Writes `bytes` to a fresh temporary directory as `name` and returns its path (for inputs
    /// made at test time: bombs are never committed).
    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func temporaryFile(_ text: String, name: String) throws -> String {
        try temporaryFile(Array(text.utf8), name: name)
    }
}
