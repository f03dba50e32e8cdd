import Foundation
import Testing

@testable import MFARollout

/// Reading a large export row by row (its memory is measured by scripts/bench-plan.sh).
@Suite("ExportReader: streaming")
struct ExportStreamingTests {
    @Test("A 200k-row file is streamed: one onRow per row, in order")
    func streamsLargeFile() throws {
        let rowCount = 200_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-mem-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("big.csv").path
        var text = "\"user_id\",\"email\",\"use_mfa\",\"name\"\n"
        text.reserveCapacity(rowCount * 70)
        for index in 0..<rowCount {
            text +=
                "\"'auth0|\(String(index, radix: 16))\",\"'u\(index)@example.com\",\(index % 2 == 0),\"'Name \(index)\"\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)

        var calls = 0
        var lastLine = 1
        var inOrder = true
        let summary = try ExportReader(sources: [.file(path)]).read(columns: ["user_id", "use_mfa"], required: []) {
            row in
            calls += 1
            if row.line != lastLine + 1 { inOrder = false }
            lastLine = row.line
        }
        #expect(calls == rowCount)
        #expect(summary.rows == rowCount)
        #expect(inOrder)
        #expect(lastLine == rowCount + 1)
    }
}
