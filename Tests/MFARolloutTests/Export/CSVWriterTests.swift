import Foundation
import Testing

@testable import MFARollout

@Suite("CSVWriter")
struct CSVWriterTests {
    func text(_ fields: [String], neutralize: Bool = true, delimiter: UInt8 = UInt8(ascii: ",")) -> String {
        String(
            decoding: CSVWriter.encodeRow(fields, delimiter: delimiter, neutralizeFormulas: neutralize), as: UTF8.self)
    }

    @Test(
        "Formula-like cells get a leading ' and quotes",
        arguments: [
            ("=SUM(A1)", "\"'=SUM(A1)\""), ("+1", "\"'+1\""), ("-2", "\"'-2\""), ("@cmd", "\"'@cmd\""),
            ("\tx", "\"'\tx\""), ("\rx", "\"'\rx\""), ("=\"a\"", "\"'=\"\"a\"\"\""),
        ])
    func neutralizes(input: String, output: String) {
        #expect(text([input]) == output + "\n")
    }

    @Test("Without neutralization only quoting applies; safe cells stay bare")
    func plainQuoting() {
        #expect(text(["=SUM(A1)", "-2"], neutralize: false) == "=SUM(A1),-2\n")
        #expect(
            text(["auth0|1", "a,b", "say \"hi\"", "two\nlines", " pad", "", "x=1"])
                == "auth0|1,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",,x=1\n")
        #expect(text(["a;b", "c,d"], delimiter: UInt8(ascii: ";")) == "\"a;b\";c,d\n")
    }

    @Test("What the writer writes, the reader reads back (neutralized cells keep their ')")
    func readsBack() throws {
        var writer = CSVWriter()
        let rows = [["user_id", "note"], ["auth0|1", "a,b"], ["auth0|2", "=1+2"], ["auth0|3", "multi\nline \"q\""]]
        for row in rows { try writer.writeRow(row) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("csvw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.csv").path
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
        let result = try ExportFixture.read(
            [.file(path)], columns: ["user_id", "note"], dialect: .init(auth0Escaping: .off))
        #expect(
            result.rows.map(\.values) == [
                ["auth0|1", "a,b"], ["auth0|2", "'=1+2"], ["auth0|3", "multi\nline \"q\""],
            ])
        #expect(result.rows.map(\.line) == [2, 3, 4])
    }

    @Test("FileHandle mode writes the same bytes")
    func fileHandle() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("csvw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.csv")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        var writer = CSVWriter(fileHandle: handle, lineTerminator: "\r\n")
        var memory = CSVWriter(lineTerminator: "\r\n")
        for index in 0..<5000 {
            let row = ["auth0|\(index)", "@\(index)", "x,\(index)"]
            try writer.writeRow(row)
            try memory.writeRow(row)
        }
        try writer.flush()
        try handle.close()
        #expect(Array(try Data(contentsOf: url)) == memory.bytes)
        #expect(memory.bytes.starts(with: Array("auth0|0,\"'@0\",\"x,0\"\r\n".utf8)))
    }
}
