import Foundation
import Testing

@testable import MFARollout

/// Paths of the fixtures under `Fixtures/export/` and a collecting read helper.
enum ExportFixture {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("export").appendingPathComponent(name).path
    }

    struct Result {
        var rows: [(file: String, line: Int, values: [String?])] = []
        var rejected: [RejectedRow] = []
        var summary = ExportReadSummary()
    }

    /// Reads everything, copying rows out; `skip` passes an `onRejected` handler.
    static func read(
        _ sources: [ExportSource], columns: [String], required: Set<String> = [],
        dialect: CSVDialect = .init(), chunkSize: Int = 64 * 1024, skip: Bool = false
    ) throws -> Result {
        var result = Result()
        let reader = ExportReader(sources: sources, dialect: dialect, chunkSize: chunkSize)
        var rejected: [RejectedRow] = []
        var rows: [(file: String, line: Int, values: [String?])] = []
        let summary = try reader.read(
            columns: columns, required: required,
            onRejected: skip ? { rejected.append($0) } : nil,
            onRow: { rows.append(($0.file, $0.line, $0.values)) })
        result.rows = rows
        result.rejected = rejected
        result.summary = summary
        return result
    }

    /// Captures the error a read throws (fails the test when it does not throw).
    static func error(
        _ sources: [ExportSource], columns: [String] = ["user_id", "email"], required: Set<String> = [],
        dialect: CSVDialect = .init(), chunkSize: Int = 64 * 1024
    ) -> ExportError? {
        do {
            _ = try read(sources, columns: columns, required: required, dialect: dialect, chunkSize: chunkSize)
            Issue.record("expected an ExportError")
            return nil
        } catch let error as ExportError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }
}

@Suite("ExportReader: reading exports")
struct ExportReaderTests {
    static let auth0Columns = ["user_id", "email", "use_mfa", "created_at", "name", "not_in_file"]

    @Test("Auth0 export: ' stripped, quotes, multi-line record keeps its start line, blank line skipped")
    func auth0Export() throws {
        let path = ExportFixture.path("auth0-users.csv")
        let result = try ExportFixture.read([.file(path)], columns: Self.auth0Columns)
        #expect(result.rows.map(\.line) == [2, 3, 5, 7])
        #expect(result.rows.allSatisfy { $0.file == path })
        #expect(
            result.rows.map { $0.values[0] } == [
                "auth0|63d17c4bdf1ce171262c7e93", "google-oauth2|115015401343387192604",
                "samlp|my-connection|jane@example.com", "oidc|corp/user@x",
            ])
        #expect(
            result.rows[0].values == [
                "auth0|63d17c4bdf1ce171262c7e93", "jane@example.com", "true", "2024-01-31T10:00:00.000Z",
                "Jane \"JJ\" Doe", nil,
            ])
        #expect(result.rows[1].values[4] == "Bob\nMulti-line, with comma")
        #expect(result.rows[2].values[2] == "", "an empty field is \"\", not nil")
        #expect(result.rows[2].values[4] == "'quoted start", "only ONE leading ' is stripped")
        #expect(result.rows[3].values[1] == "=cmd@example.com")
        #expect(result.rows[3].values[2] == "true")
        #expect(result.rows[3].values[4] == "Zoë 日本")
        #expect(result.rows.allSatisfy { $0.values[5] == nil }, "a column the file lacks is nil")
        #expect(result.summary.rows == 4)
        #expect(result.summary.rejected == 0)
        #expect(result.summary.files == [path])
    }

    @Test("Escaping off keeps the ', on strips it even without auto-detection")
    func escapingModes() throws {
        let auth0 = ExportFixture.path("auth0-users.csv")
        let off = try ExportFixture.read(
            [.file(auth0)], columns: ["user_id", "created_at"], dialect: .init(auth0Escaping: .off))
        #expect(off.rows[0].values == ["'auth0|63d17c4bdf1ce171262c7e93", "2024-01-31T10:00:00.000Z"])

        let plain = ExportFixture.path("plain-semicolon.csv")
        let semicolon = UInt8(ascii: ";")
        let on = try ExportFixture.read(
            [.file(plain)], columns: ["user_id"], dialect: .init(delimiter: semicolon, auth0Escaping: .on))
        #expect(on.rows.map { $0.values[0] } == ["auth0|1", "auth0|2", "auth0|3"])
        let auto = try ExportFixture.read([.file(plain)], columns: ["user_id"], dialect: .init(delimiter: semicolon))
        #expect(
            auto.rows.map { $0.values[0] } == ["auth0|1", "auth0|2", "'auth0|3"], "auto: first id has no ', so off")
    }

    @Test("Plain CSV: BOM stripped, CRLF, ; delimiter, dotted and indexed header names")
    func plainSemicolon() throws {
        let path = ExportFixture.path("plain-semicolon.csv")
        let columns = ["user_id", "app_metadata.use_mfa", "identities[0].connection", "email"]
        let result = try ExportFixture.read(
            [.file(path)], columns: columns, required: ["user_id", "app_metadata.use_mfa"],
            dialect: .init(delimiter: UInt8(ascii: ";")))
        #expect(result.rows.map(\.line) == [2, 3, 4])
        #expect(result.rows[0].values == ["auth0|1", "true", "Username-Password-Authentication", "a@example.com"])
        #expect(result.rows[1].values == ["auth0|2", "", "google-oauth2", "b;c@example.com"])
        #expect(result.rows[2].values[3] == "multi\r\nline")
    }

    @Test("gzip detected by magic bytes, with or without .gz, streamed in any chunk size")
    func gzipAndChunkSizes() throws {
        let plain = try ExportFixture.read([.file(ExportFixture.path("auth0-users.csv"))], columns: Self.auth0Columns)
        for name in ["auth0-users.csv", "auth0-users.csv.gz", "gzip-named-plain.csv"] {
            for chunkSize in [16, 17, 31, 4096, 64 * 1024] {
                let result = try ExportFixture.read(
                    [.file(ExportFixture.path(name))], columns: Self.auth0Columns, chunkSize: chunkSize)
                #expect(result.rows.map(\.line) == plain.rows.map(\.line), "\(name) chunk \(chunkSize)")
                #expect(result.rows.map(\.values) == plain.rows.map(\.values), "\(name) chunk \(chunkSize)")
            }
        }
    }

    @Test("Small chunks keep BOM, CRLF and line numbers right")
    func plainSmallChunks() throws {
        let path = ExportFixture.path("plain-semicolon.csv")
        let dialect = CSVDialect(delimiter: UInt8(ascii: ";"))
        let whole = try ExportFixture.read([.file(path)], columns: ["user_id", "email"], dialect: dialect)
        for chunkSize in [16, 19, 23] {
            let small = try ExportFixture.read(
                [.file(path)], columns: ["user_id", "email"], dialect: dialect, chunkSize: chunkSize)
            #expect(small.rows.map(\.line) == whole.rows.map(\.line))
            #expect(small.rows.map(\.values) == whole.rows.map(\.values))
        }
    }

    @Test("Header only: no rows; last record without a line end is read")
    func headerOnlyAndNoTrailingNewline() throws {
        let header = try ExportFixture.read([.file(ExportFixture.path("header-only.csv"))], columns: ["user_id"])
        #expect(header.rows.isEmpty)
        let noNewline = try ExportFixture.read(
            [.file(ExportFixture.path("no-trailing-newline.csv"))], columns: ["user_id", "email"])
        #expect(noNewline.rows.map(\.line) == [2, 3])
        #expect(noNewline.rows[1].values == ["auth0|2", "b@example.com"])
    }

    @Test("Several sources in order; SHA-256 of each input's stored bytes")
    func severalSourcesAndHashes() throws {
        let a = ExportFixture.path("part-a.csv")
        let users = ExportFixture.path("auth0-users.csv")
        let gz = ExportFixture.path("auth0-users.csv.gz")
        let result = try ExportFixture.read([.file(a), .file(gz)], columns: ["user_id"])
        #expect(result.summary.files == [a, gz])
        #expect(result.rows.map(\.file) == [a, a, gz, gz, gz, gz])
        #expect(result.rows.map(\.line) == [2, 3, 2, 3, 5, 7])
        // Digests from `sha256sum` of the fixtures.
        #expect(result.summary.sha256[gz] == "49bd7841ed17009ab2d9b90e4aa3e62871b0d8e80c8d9a992cf2d69e3233ba05")
        #expect(
            try InputDigest.sha256Hex(ofFile: users)
                == "9a7bb4340dd0b3a960dc148d580efbbbfc5918ff4b4e3915323910bfb5b06f05")
        #expect(try InputDigest.sha256Hex(ofFile: a) == result.summary.sha256[a])
    }

    @Test(
        "A file read ahead through a ring many times over gives every row and the file's digest",
        arguments: [16, 100, 4096])
    func readAheadWrapsAround(chunkSize: Int) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("read-ahead-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("users.csv").path
        // 2,000 rows of unequal length: chunk boundaries fall everywhere in a record.
        let text =
            "user_id,email\n"
            + (0..<2000).map { "auth0|\($0),\"u\(String(repeating: "x", count: $0 % 37))\n@x.com\"\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let result = try ExportFixture.read([.file(path)], columns: ["user_id", "email"], chunkSize: chunkSize)
        #expect(result.rows.map { $0.values[0] } == (0..<2000).map { "auth0|\($0)" })
        #expect(result.rows.map(\.line) == (0..<2000).map { 2 + 2 * $0 })
        #expect(result.summary.sha256[path] == (try InputDigest.sha256Hex(ofFile: path)))
    }

    /// The C field callback copies fields by length class (0, 1–3, 4–7, 8–16, 17–32, 33–64, over
    /// 64 bytes), strips Auth0's `'` as it copies, and ORs the bytes for the ASCII check. Every
    /// length up to 140 must read back exactly; a valid non-ASCII character anywhere in a value
    /// must pass, and a byte that is not UTF-8 anywhere must reject its row.
    @Test("Fields of every length read back exactly; a non-ASCII byte anywhere is seen")
    func everyFieldLength() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "field-lengths-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("users.csv").path
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789|@.-_".utf8)
        func value(_ length: Int, seed: Int) -> [UInt8] {
            (0..<length).map { alphabet[($0 * 7 + seed) % alphabet.count] }
        }
        var bytes = Array("user_id,skipped,name\n".utf8)
        var expected: [[String?]] = []
        var expectedRejected: [RejectedRow] = []
        var line = 2
        func row(id: String, name: [UInt8]) {
            bytes += Array("\"'\(id)\",\"'not kept\",\"'".utf8) + name + Array("\"\n".utf8)
        }
        for length in 0...140 {
            let name = value(length, seed: length)
            row(id: "auth0|\(length)", name: name)
            expected.append(["auth0|\(length)", String(decoding: name, as: UTF8.self)])
            line += 1
        }
        for length in [1, 3, 5, 8, 9, 16, 17, 31, 33, 64, 65, 100] {
            for position in 0..<length {
                var valid = value(length, seed: position)
                valid.replaceSubrange(position...position, with: Array("é".utf8))
                row(id: "auth0|ok-\(length)-\(position)", name: valid)
                expected.append(["auth0|ok-\(length)-\(position)", String(decoding: valid, as: UTF8.self)])
                line += 1
                var invalid = value(length, seed: position)
                invalid[position] = 0xFF
                row(id: "auth0|bad-\(length)-\(position)", name: invalid)
                expectedRejected.append(
                    RejectedRow(
                        file: path, line: line, userID: "auth0|bad-\(length)-\(position)",
                        reason: "invalid UTF-8 in column 'name'"))
                line += 1
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let result = try ExportFixture.read([.file(path)], columns: ["user_id", "name"], skip: true)
        #expect(result.rows.count == expected.count)
        for (row, values) in zip(result.rows, expected) where row.values != values {
            Issue.record("line \(row.line): read \(row.values), expected \(values)")
        }
        #expect(result.rejected == expectedRejected)
    }

    /// The C field callback tests the words it copies (and, for a field not read, the words it
    /// would copy) for bytes below 0x0E, and counts line breaks only where one is: a line break
    /// at any position of a field of any length class, read or not, must move the lines of the
    /// records after it. A tab or NUL there (also below 0x0E) must not.
    @Test("A line break at any position of a field of any length, read or not, is counted")
    func lineBreakAtEveryPosition() throws {
        var text = "user_id,skipped,name\n"
        var expected: [Int] = []
        var line = 2
        for length in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100] {
            for position in 0..<length {
                for (column, byte) in [(1, "\n"), (2, "\n"), (1, "\r"), (2, "\r"), (2, "\t")] {
                    var value = Array(repeating: "x", count: length)
                    value[position] = byte
                    let field = "\"" + value.joined() + "\""
                    let fields = column == 1 ? [field, "n"] : ["s", field]
                    text += "auth0|\(expected.count)," + fields.joined(separator: ",") + "\n"
                    expected.append(line)
                    line += byte == "\t" ? 1 : 2
                }
            }
        }
        let path = try ExportFixture.temporaryFile(text, name: "breaks-everywhere.csv")
        let result = try ExportFixture.read(
            [.file(path)], columns: ["user_id", "name"], dialect: CSVDialect(auth0Escaping: .off))
        #expect(result.rows.map(\.line) == expected)
    }

    @Test("Display names")
    func displayNames() {
        #expect(ExportSource.file("exports/a.csv.gz").displayName == "exports/a.csv.gz")
        #expect(ExportSource.standardInput.displayName == "<stdin>")
    }
}

/// Standard input is process-wide: these tests swap file descriptor 0 and must not overlap.
@Suite("ExportReader: standard input", .serialized)
struct ExportStandardInputTests {
    /// Runs `body` with `data` readable on file descriptor 0.
    func withStandardInput<T>(_ data: [UInt8], _ body: () throws -> T) throws -> T {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let saved = dup(0)
        let writer = fds[1]
        let thread = Thread {
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(writer, buffer.baseAddress! + offset, buffer.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writer)
        }
        thread.start()
        dup2(fds[0], 0)
        close(fds[0])
        defer {
            dup2(saved, 0)
            close(saved)
        }
        return try body()
    }

    @Test("Reads gzip from stdin and hashes what it read")
    func gzipFromStandardInput() throws {
        let path = ExportFixture.path("auth0-users.csv.gz")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let result = try withStandardInput(bytes) {
            try ExportFixture.read([.standardInput], columns: ["user_id", "email"], chunkSize: 64)
        }
        #expect(result.rows.map(\.line) == [2, 3, 5, 7])
        #expect(result.rows.allSatisfy { $0.file == "<stdin>" })
        #expect(result.rows[0].values == ["auth0|63d17c4bdf1ce171262c7e93", "jane@example.com"])
        #expect(result.summary.sha256["<stdin>"] == "49bd7841ed17009ab2d9b90e4aa3e62871b0d8e80c8d9a992cf2d69e3233ba05")
    }

    @Test("A duplicate of an id first seen on stdin cannot be located, and says so")
    func duplicateOnStandardInput() throws {
        let csv = Array("user_id\nauth0|1\nauth0|2\nauth0|1\n".utf8)
        let error = try withStandardInput(csv) {
            ExportFixture.error([.standardInput], columns: ["user_id"])
        }
        #expect(error == ExportError(file: "<stdin>", line: 4, reason: .duplicateUserID("auth0|1", firstSeen: nil)))
        #expect(
            error?.description == "<stdin>: line 4: duplicate user id 'auth0|1' (already seen earlier in the input)")
    }
}
