import Foundation
import Testing

@testable import MFARollout

@Suite("ExportReader: malformed input names file and line")
struct ExportErrorTests {
    @Test("Unterminated quote: line where the record starts, rows before it delivered")
    func unterminatedQuote() throws {
        let path = ExportFixture.path("unterminated-quote.csv")
        var lines: [Int] = []
        #expect(throws: ExportError(file: path, line: 4, reason: .unterminatedQuote)) {
            _ = try ExportReader(sources: [.file(path)]).read(columns: ["user_id"], required: []) {
                lines.append($0.line)
            }
        }
        #expect(lines == [2])
        let error = ExportFixture.error([.file(path)])
        #expect(error?.description.hasPrefix("\(path): line 4: unterminated quoted field") == true)
    }

    @Test("Unterminated quote is file-level: thrown in skip mode too, with any chunk size")
    func unterminatedQuoteSkipMode() {
        let path = ExportFixture.path("unterminated-quote.csv")
        for chunkSize in [16, 64 * 1024] {
            #expect(throws: ExportError(file: path, line: 4, reason: .unterminatedQuote)) {
                _ = try ExportFixture.read([.file(path)], columns: ["user_id"], chunkSize: chunkSize, skip: true)
            }
        }
    }

    @Test("Stray quote after a multi-line record")
    func malformedQuote() {
        let path = ExportFixture.path("malformed-quote.csv")
        #expect(ExportFixture.error([.file(path)]) == ExportError(file: path, line: 4, reason: .malformedQuote))
    }

    @Test("Wrong field count after a record spanning lines with a blank line inside, and blank lines")
    func fieldCount() {
        let path = ExportFixture.path("field-count.csv")
        let error = ExportFixture.error([.file(path)], columns: ["user_id", "name"])
        #expect(error == ExportError(file: path, line: 7, reason: .fieldCount(expected: 3, found: 2)))
        #expect(error?.description == "\(path): line 7: expected 3 fields (as in the header), found 2")
    }

    @Test("Invalid UTF-8 matters only in materialized columns, and names the column")
    func invalidUTF8() throws {
        let path = ExportFixture.path("invalid-utf8.csv")
        let error = ExportFixture.error([.file(path)], columns: ["user_id", "email"])
        #expect(error == ExportError(file: path, line: 3, reason: .invalidUTF8(column: "email")))
        #expect(error?.description == "\(path): line 3: invalid UTF-8 in column 'email'")
        let idsOnly = try ExportFixture.read([.file(path)], columns: ["user_id"])
        #expect(idsOnly.rows.map { $0.values[0] } == ["auth0|1", "auth0|2", "auth0|3"])
        let nameError = ExportFixture.error([.file(path)], columns: ["user_id", "name"])
        #expect(nameError == ExportError(file: path, line: 4, reason: .invalidUTF8(column: "name")))
    }

    @Test("Missing required column lists what the header has")
    func missingColumn() {
        let path = ExportFixture.path("missing-column.csv")
        let error = ExportFixture.error([.file(path)])
        #expect(
            error == ExportError(file: path, line: 1, reason: .missingColumns(["user_id"], header: ["id", "email"])))
        #expect(error?.description == "\(path): line 1: missing required column 'user_id' (header has: id, email)")
        let users = ExportFixture.path("auth0-users.csv")
        let other = ExportFixture.error([.file(users)], required: ["phone", "app_metadata.use_mfa"])
        #expect(
            other?.reason
                == .missingColumns(
                    ["app_metadata.use_mfa", "phone"], header: ["user_id", "email", "use_mfa", "created_at", "name"]))
    }

    @Test("Empty and blank files have no header", arguments: ["empty.csv", "blank-lines.csv"])
    func emptyFile(name: String) {
        let path = ExportFixture.path(name)
        let error = ExportFixture.error([.file(path)])
        #expect(error == ExportError(file: path, line: nil, reason: .emptyFile))
        #expect(error?.description == "\(path): empty file: no header row")
    }

    @Test("Duplicate in one file names both places (first record spans lines)")
    func duplicateInFile() {
        let path = ExportFixture.path("duplicate.csv")
        let error = ExportFixture.error([.file(path)])
        #expect(
            error
                == ExportError(
                    file: path, line: 6,
                    reason: .duplicateUserID("auth0|2", firstSeen: ExportLocation(file: path, line: 3))))
        #expect(error?.description == "\(path): line 6: duplicate user id 'auth0|2' (already seen at \(path) line 3)")
    }

    @Test("Duplicate across inputs names the earlier file")
    func duplicateAcrossFiles() {
        let a = ExportFixture.path("part-a.csv")
        let b = ExportFixture.path("part-b.csv")
        let error = ExportFixture.error([.file(a), .file(b)])
        #expect(
            error
                == ExportError(
                    file: b, line: 3,
                    reason: .duplicateUserID("google-oauth2|shared", firstSeen: ExportLocation(file: a, line: 3))))
    }

    @Test("Empty user id, quoted or not")
    func emptyUserID() {
        let path = ExportFixture.path("empty-userid.csv")
        let error = ExportFixture.error([.file(path)])
        #expect(error == ExportError(file: path, line: 3, reason: .emptyUserID(column: "user_id")))
    }

    @Test("Corrupt and truncated gzip are file-level errors", arguments: ["corrupt.csv.gz", "truncated.csv.gz"])
    func badGzip(name: String) throws {
        let path = ExportFixture.path(name)
        for chunkSize in [16, 64 * 1024] {
            let error = try #require(ExportFixture.error([.file(path)], chunkSize: chunkSize))
            #expect(error.file == path)
            #expect(error.line == nil)
            guard case .corruptGzip = error.reason else {
                Issue.record("expected corruptGzip, got \(error.reason)")
                continue
            }
            #expect(error.description.hasPrefix("\(path): unreadable gzip data ("))
        }
    }

    @Test("Cannot open: the system's reason")
    func cannotOpen() {
        let path = ExportFixture.path("does-not-exist.csv")
        let error = ExportFixture.error([.file(path)])
        #expect(error == ExportError(file: path, line: nil, reason: .cannotOpen("No such file or directory")))
        #expect(error?.description == "\(path): cannot open file: No such file or directory")
        #expect(throws: ExportError.self) { try InputDigest.sha256Hex(ofFile: path) }
    }

    @Test("A later input's error names that input")
    func errorInSecondInput() {
        let good = ExportFixture.path("part-a.csv")
        let bad = ExportFixture.path("malformed-quote.csv")
        #expect(
            ExportFixture.error([.file(good), .file(bad)]) == ExportError(file: bad, line: 4, reason: .malformedQuote))
    }

    @Test("Row-level vs file-level classification")
    func rowLevel() {
        #expect(ExportError.Reason.fieldCount(expected: 1, found: 2).isRowLevel)
        #expect(ExportError.Reason.duplicateUserID("x", firstSeen: nil).isRowLevel)
        #expect(!ExportError.Reason.unterminatedQuote.isRowLevel)
        #expect(!ExportError.Reason.emptyFile.isRowLevel)
    }
}

@Suite("ExportReader: skip mode")
struct ExportSkipModeTests {
    @Test("Wrong field count is reported and reading continues")
    func fieldCountSkipped() throws {
        let path = ExportFixture.path("field-count.csv")
        let result = try ExportFixture.read([.file(path)], columns: ["user_id", "name"], skip: true)
        #expect(result.rows.map(\.line) == [2, 8])
        #expect(result.rows[0].values == ["auth0|1", "Ann\n\nSmith"])
        #expect(
            result.rejected == [
                RejectedRow(
                    file: path, line: 7, userID: "auth0|2", reason: "expected 3 fields (as in the header), found 2")
            ])
        #expect(result.summary.rows == 2)
        #expect(result.summary.rejected == 1)
    }

    @Test("Empty ids and invalid UTF-8 are skipped")
    func emptyAndInvalidSkipped() throws {
        let empty = ExportFixture.path("empty-userid.csv")
        let result = try ExportFixture.read([.file(empty)], columns: ["user_id", "email"], skip: true)
        #expect(result.rows.map(\.line) == [2, 5])
        #expect(result.rejected.map(\.line) == [3, 4])
        #expect(result.rejected.allSatisfy { $0.userID == nil && $0.reason == "empty user id (column 'user_id')" })

        let invalid = ExportFixture.path("invalid-utf8.csv")
        let utf8 = try ExportFixture.read([.file(invalid)], columns: ["user_id", "email", "name"], skip: true)
        #expect(utf8.rows.map(\.line) == [2])
        #expect(
            utf8.rejected == [
                RejectedRow(file: invalid, line: 3, userID: "auth0|2", reason: "invalid UTF-8 in column 'email'"),
                RejectedRow(file: invalid, line: 4, userID: "auth0|3", reason: "invalid UTF-8 in column 'name'"),
            ])
    }

    @Test("Duplicates across several inputs, all rejections in input order, first places named")
    func severalInputs() throws {
        let a = ExportFixture.path("part-a.csv")
        let b = ExportFixture.path("part-b.csv")
        let dup = ExportFixture.path("duplicate.csv")
        let count = ExportFixture.path("field-count.csv")
        let result = try ExportFixture.read(
            [.file(a), .file(b), .file(dup), .file(count)], columns: ["user_id", "email"], skip: true)
        #expect(
            result.rejected == [
                RejectedRow(
                    file: b, line: 3, userID: "google-oauth2|shared",
                    reason: "duplicate user id 'google-oauth2|shared' (already seen at \(a) line 3)"),
                RejectedRow(
                    file: dup, line: 6, userID: "auth0|2",
                    reason: "duplicate user id 'auth0|2' (already seen at \(dup) line 3)"),
                RejectedRow(
                    file: count, line: 2, userID: "auth0|1",
                    reason: "duplicate user id 'auth0|1' (already seen at \(dup) line 2)"),
                RejectedRow(
                    file: count, line: 7, userID: "auth0|2", reason: "expected 3 fields (as in the header), found 2"),
                RejectedRow(
                    file: count, line: 8, userID: "auth0|3",
                    reason: "duplicate user id 'auth0|3' (already seen at \(dup) line 5)"),
            ])
        #expect(
            result.rows.map { "\($0.file == a ? "a" : $0.file == b ? "b" : "d"):\($0.line)" }
                == ["a:2", "a:3", "b:2", "d:2", "d:3", "d:5"])
        #expect(result.summary.rows == 6)
        #expect(result.summary.rejected == 5)
    }

    @Test("A throwing onRejected handler stops the read with its own error")
    func handlerThrows() {
        struct Enough: Error, Equatable {}
        let path = ExportFixture.path("empty-userid.csv")
        #expect(throws: Enough()) {
            _ = try ExportReader(sources: [.file(path)]).read(
                columns: ["user_id"], required: [], onRejected: { _ in throw Enough() }, onRow: { _ in })
        }
    }
}
