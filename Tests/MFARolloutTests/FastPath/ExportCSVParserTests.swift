import CLibCSVFields
import Testing

@testable import MFARollout

/// `ExportCSVParser` lets libcsv parse a chunk with its default space handling (no call per
/// byte) when `mfa_spaces_matter` finds no space or tab it could trim. The reference parses
/// every chunk keeping spaces (`mfa_never_space`); both must read the same rows, lines,
/// rejections and errors from inputs full of spaces and tabs in every place.
@Suite("ExportCSVParser: libcsv's default space handling only where it reads the same")
struct ExportCSVParserTests {
    /// What one parse produced: accepted rows (line and values), rejected rows, the error.
    struct Reading: Equatable {
        var rows: [String] = []
        var error: String?
    }

    static func parse(_ input: [UInt8], chunkSize: Int, delimiter: UInt8, reference: Bool) -> Reading {
        var reading = Reading()
        let columns = ["user_id", "a", "b"]
        let parser = ExportCSVParser(
            file: "spaces.csv", dialect: CSVDialect(delimiter: delimiter, auth0Escaping: .off), columns: columns,
            required: [], userIDColumn: "user_id", alwaysKeepingSpaces: reference,
            accept: { record, _ in
                reading.rows.append(
                    "\(record.line): " + (0..<3).map { record.string($0).map { "[\($0)]" } ?? "-" }.joined())
            },
            reject: { line, userID, reason in reading.rows.append("\(line): rejected \(userID ?? "-") \(reason)") })
        do {
            try input.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let end = min(offset + chunkSize, bytes.count)
                    try parser.feed(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                    offset = end
                }
            }
            try parser.finish()
        } catch {
            reading.error = "\(error)"
        }
        return reading
    }

    @Test("random inputs with spaces and tabs everywhere read the same as with spaces always kept")
    func differential() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [" ", "\t", "  ", "x", "x y", " x", "x ", "\"q\"", "\"q\" ", " \"q\"", "\"a b\"", "\"\"", ""]
        var differences = 0
        for round in 0..<400 {
            let delimiter: UInt8 = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")][round % 3]
            let separator = String(UnicodeScalar(delimiter))
            let end = ["\n", "\r\n", "\r"][Int.random(in: 0..<3, using: &generator)]
            var text = ["user_id", "a", "b"].joined(separator: separator) + end
            for row in 0..<Int.random(in: 1..<12, using: &generator) {
                // Mostly clean rows, so that many chunks are parsed with the default.
                let noisy = Int.random(in: 0..<4, using: &generator) == 0
                let values = (0..<2).map { _ in
                    noisy
                        ? pieces.randomElement(using: &generator)!
                        : ["x y", "\"a b\"", "v"].randomElement(using: &generator)!
                }
                text += (["id\(row)"] + values).joined(separator: separator)
                text += Int.random(in: 0..<6, using: &generator) == 0 ? end + end : end
            }
            if Bool.random(using: &generator) { text.removeLast(end.count) }
            let input = Array(text.utf8)
            for chunkSize in [1, 2, 3, 5, 8, 64] {
                let fast = Self.parse(input, chunkSize: chunkSize, delimiter: delimiter, reference: false)
                let reference = Self.parse(input, chunkSize: chunkSize, delimiter: delimiter, reference: true)
                if fast != reference {
                    differences += 1
                    Issue.record("chunk \(chunkSize), \(text.debugDescription):\n\(fast)\n\(reference)")
                }
            }
            if differences > 3 { break }
        }
    }

    @Test("a space or tab next to a delimiter, line end or quote makes a chunk keep spaces")
    func spacesThatMatter() {
        func matters(_ text: String, before: Int32 = 0x61) -> Bool {
            let bytes = Array(text.utf8)
            return mfa_spaces_matter(bytes, bytes.count, before, UInt8(ascii: ",")) != 0
        }
        #expect(!matters("a b,c d\n\"e f\"\n"))
        #expect(!matters("plain,text\n"))
        for text in ["a, b\n", "a ,b\n", "a\n b\n", "a \nb\n", "\"a\" ,b\n", "a\r b", "a b ", "a,\tb\n", "\"a\"\t,b"] {
            #expect(matters(text), "\(text.debugDescription)")
        }
        #expect(matters(" a", before: -1))
        #expect(matters(" a", before: Int32(UInt8(ascii: ","))))
        #expect(!matters(" a", before: 0x61))
        let tab = Array("a\tb".utf8)
        #expect(mfa_spaces_matter(tab, tab.count, 0x61, UInt8(ascii: "\t")) != 0)
    }
}
