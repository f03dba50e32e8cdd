import Foundation
import Testing

@testable import MFARollout

/// Where a lenient reading could give a wrong answer, the reader refuses: ids that carry
/// control characters or name no user, headers that are not text or name a column twice.
/// Inputs are the hostile corpus (`Fixtures/hostile`).
@Suite("ExportReader: strict where a wrong answer is possible")
struct ExportStrictnessTests {
    static let columns = ["user_id", "email", "name", "identities[0].connection", "app_metadata.use_mfa"]

    @Test("a user id with a control character stops the read at its line")
    func controlCharacterFails() {
        let path = ExportFixture.hostile("users.csv")
        let error = ExportFixture.error([.file(path)], columns: Self.columns)
        #expect(error == ExportError(file: path, line: 15, reason: .controlCharacterInUserID(column: "user_id")))
    }

    @Test("with --on-invalid skip, ids with NUL, ESC, a line end, DEL, and . or .. are set aside with their line")
    func controlCharactersSkipped() throws {
        let path = ExportFixture.hostile("users.csv")
        let result = try ExportFixture.read([.file(path)], columns: Self.columns, skip: true)
        #expect(result.rows.count == 11)
        #expect(result.rejected.map(\.line) == [15, 16, 17, 19, 20, 21])
        #expect(
            result.rejected.map(\.userID) == [
                "auth0|nul\u{0}x", "auth0|esc\u{1B}[2J", "auth0|new\nline", "auth0|del\u{7F}", ".", "..",
            ])
        #expect(
            result.rejected.prefix(4).allSatisfy { $0.reason == "user id holds a control character (column 'user_id')" }
        )
        #expect(result.rejected.suffix(2).allSatisfy { $0.reason.hasPrefix("user id '.' or '..' names no user") })
        // Values other than the id may hold anything; they are data, shown escaped where shown.
        #expect(result.rows.contains { $0.values[1] == "ceo\u{1B}]0;pwned\u{07}@corp.com" })
        #expect(result.rows.contains { $0.values[0] == "auth0|$HOME;`id`" })
    }

    @Test("duplicate header names are an error naming both columns")
    func duplicateHeader() {
        let path = ExportFixture.hostile("duplicate-header.csv")
        let error = ExportFixture.error([.file(path)])
        #expect(error == ExportError(file: path, line: 1, reason: .duplicateColumn("email", first: 2, second: 4)))
        #expect(error?.description == "\(path): line 1: header: columns 2 and 4 are both named 'email'")
    }

    @Test("a header that is not valid UTF-8, or holds NUL, is an export error at line 1")
    func headerProblems() {
        let invalid = ExportFixture.hostile("header-invalid-utf8.csv")
        #expect(
            ExportFixture.error([.file(invalid)])
                == ExportError(file: invalid, line: 1, reason: .invalidHeader(column: 2, problem: .invalidUTF8)))
        let nul = ExportFixture.hostile("header-nul.csv")
        let error = ExportFixture.error([.file(nul)])
        #expect(
            error
                == ExportError(
                    file: nul, line: 1, reason: .invalidHeader(column: 2, problem: .controlCharacter("\u{0}"))))
        #expect(
            error?.description.hasSuffix(#"line 1: header: the name of column 2 holds the control character \u0000"#)
                == true)
    }

    @Test("a header with no data rows reads as zero rows, no error")
    func headerOnly() throws {
        let result = try ExportFixture.read([.file(ExportFixture.hostile("header-only.csv"))], columns: ["user_id"])
        #expect(result.rows.isEmpty && result.summary.rows == 0)
    }

    /// RFC 4180: spaces belong to the field, quoted or not; a line of spaces is a record.
    @Test("spaces in unquoted fields are kept")
    func spacesKept() throws {
        let result = try ExportFixture.read(
            [.file(ExportFixture.hostile("spaces.csv"))], columns: ["user_id", "email"],
            dialect: CSVDialect(auth0Escaping: .off))
        #expect(result.rows.map(\.values) == [[" auth0|1 ", "  padded@corp.com  "], ["auth0|2", "  quoted  "]])
        let header = try ExportFixture.temporaryFile("\n\r\n   \nauth0|1\n", name: "spaces-header.csv")
        #expect(
            ExportFixture.error([.file(header)])
                == ExportError(file: header, line: 3, reason: .missingColumns(["user_id"], header: ["   "])))
    }

    /// The same records with LF, CRLF and CR alone for line ends give the same lines.
    @Test("CR-only, LF and CRLF line ends all give the right line numbers", arguments: [1, 2, 3, 5, 64 * 1024])
    func lineEnds(chunkSize: Int) throws {
        let lines = [
            "user_id,email", "auth0|1,a@corp.com", "", "auth0|2,\"two", "lines@corp.com\"", "auth0|3,\"x\"\"y\"",
            "auth0|4,d@corp.com",
        ]
        for end in ["\n", "\r\n", "\r"] {
            let path = try ExportFixture.temporaryFile(lines.joined(separator: end) + end, name: "ends.csv")
            let result = try ExportFixture.read(
                [.file(path)], columns: ["user_id", "email"], dialect: CSVDialect(auth0Escaping: .off),
                chunkSize: chunkSize)
            #expect(result.rows.map(\.line) == [2, 4, 6, 7], "line end \(end.debugDescription)")
            #expect(result.rows[1].values[1] == "two\(end)lines@corp.com")
        }
        // Excel's "Macintosh CSV": a bad record is named by its line too.
        let path = ExportFixture.hostile("cr-only.csv")
        let error = ExportFixture.error([.file(path)], chunkSize: chunkSize)
        #expect(error == ExportError(file: path, line: 5, reason: .invalidUTF8(column: "email")))
    }

    /// Random records whose quoted fields hold line breaks (LF, CRLF, CR alone), in a column
    /// read, a column not read, and past the header's width (a rejected row), between blank
    /// lines. Each record's line is counted from the text as it is made.
    @Test(
        "line breaks inside quoted fields, read or not, leave every later record's line right",
        arguments: [1, 2, 7, 64, 64 * 1024])
    func lineBreaksInsideFields(chunkSize: Int) throws {
        var generator = SystemRandomNumberGenerator()
        for end in ["\n", "\r\n", "\r"] {
            let breaks = ["\n", "\r\n", "\r"]
            func value() -> String {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: "\"a\(breaks.randomElement(using: &generator)!)b\""
                case 1: "\"\(breaks.randomElement(using: &generator)!)\(breaks.randomElement(using: &generator)!)\""
                case 2: "\"x\"\"y\""
                default: "plain"
                }
            }
            var text = "user_id,email,name" + end
            var expected: [Int] = []
            var rejected: [Int] = []
            for index in 0..<200 {
                if Bool.random(using: &generator) && Int.random(in: 0..<5, using: &generator) == 0 { text += end }
                // The line a record starts on: one more than the line breaks before it.
                let line = 1 + Self.lineBreaks(in: text)
                var record = "auth0|\(index),\(value()),\(value())"
                if Int.random(in: 0..<10, using: &generator) == 0 {
                    record += "," + value()
                    rejected.append(line)
                } else {
                    expected.append(line)
                }
                text += record + end
            }
            let path = try ExportFixture.temporaryFile(text, name: "breaks.csv")
            let result = try ExportFixture.read(
                [.file(path)], columns: ["user_id", "email"], dialect: CSVDialect(auth0Escaping: .off),
                chunkSize: chunkSize, skip: true)
            #expect(result.rows.map(\.line) == expected, "line end \(end.debugDescription)")
            #expect(result.rejected.map(\.line) == rejected, "line end \(end.debugDescription)")
        }
    }

    /// LF, CR alone, and CRLF, each one line break.
    static func lineBreaks(in text: String) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x0D || (byte == 0x0A && previous != 0x0D) { count += 1 }
            previous = byte
        }
        return count
    }

}
