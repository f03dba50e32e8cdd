import Foundation
import Testing

@testable import MFARollout

/// Bombs, made at test time: one field or one record far past the limits, plain or gzip.
/// Each must stop the read with the file and the line, without holding the bomb.
@Suite("ExportReader: field and record limits")
struct ExportLimitsTests {
    static let header = "user_id,email,app_metadata.use_mfa\n"

    /// A record whose `email` field is `size` bytes of `A` (quoted, as an attacker would).
    static func fieldBomb(size: Int) -> [UInt8] {
        Array((header + "auth0|1,a@corp.com,\n" + "auth0|2,\"").utf8) + [UInt8](repeating: 0x41, count: size)
            + Array("\",\nauth0|3,c@corp.com,\n".utf8)
    }

    @Test("a plain field past 1 MiB stops the read at its line, naming csv.max_field_bytes", arguments: [16, 65536])
    func plainFieldBomb(chunkSize: Int) throws {
        let path = try ExportFixture.temporaryFile(Self.fieldBomb(size: 3 << 20), name: "bomb.csv")
        let error = ExportFixture.error([.file(path)], chunkSize: chunkSize)
        #expect(error == ExportError(file: path, line: 3, reason: .fieldTooLarge(column: 2, limit: 1 << 20)))
        #expect(error?.description.contains("line 3: field 2 is longer than 1 MiB (csv.max_field_bytes)") == true)
    }

    @Test("a gzip bomb (a few KB holding one 64 MiB field) stops at its line")
    func gzipFieldBomb() throws {
        let bytes = try Gzip.compress(Self.fieldBomb(size: 64 << 20))
        #expect(bytes.count < 1 << 20)
        let path = try ExportFixture.temporaryFile(bytes, name: "bomb.csv.gz")
        let error = ExportFixture.error([.file(path)])
        #expect(error == ExportError(file: path, line: 3, reason: .fieldTooLarge(column: 2, limit: 1 << 20)))
    }

    @Test("an unquoted field and a header field are limited too")
    func unquotedAndHeader() throws {
        let unquoted = try ExportFixture.temporaryFile(
            Self.header + "auth0|1," + String(repeating: "b", count: 2 << 20) + ",\n", name: "unquoted.csv")
        #expect(ExportFixture.error([.file(unquoted)])?.reason == .fieldTooLarge(column: 2, limit: 1 << 20))
        let header = try ExportFixture.temporaryFile(
            "user_id," + String(repeating: "h", count: 2 << 20) + "\nauth0|1,x\n", name: "header.csv")
        #expect(
            ExportFixture.error([.file(header)])
                == ExportError(
                    file: header, line: 1, reason: .fieldTooLarge(column: 2, limit: 1 << 20)))
    }

    @Test("a record of many fields, each under the field limit, stops past 4 MiB", arguments: [16, 65536])
    func recordBomb(chunkSize: Int) throws {
        let field = String(repeating: "x", count: 1000)
        let wide = Array(repeating: field, count: 5000).joined(separator: ",")
        let path = try ExportFixture.temporaryFile(Self.header + "auth0|1,a,\n" + wide + "\n", name: "wide.csv")
        let error = ExportFixture.error([.file(path)], chunkSize: chunkSize)
        #expect(error == ExportError(file: path, line: 3, reason: .recordTooLarge(limit: 4 << 20)))
    }

    @Test("the policy's limits: a field or record at the limit is read, one byte more is refused")
    func configuredLimits() throws {
        // Records of 25 and 26 bytes, line ends included; the second's email is 17 bytes.
        let path = try ExportFixture.temporaryFile(
            "user_id,email\nauth0|1,0123456789abcdef\nauth0|2,0123456789abcdefg\n", name: "limits.csv")
        let fields = CSVDialect(maxFieldBytes: 16, maxRecordBytes: 1024)
        let error = ExportFixture.error([.file(path)], dialect: fields)
        #expect(error == ExportError(file: path, line: 3, reason: .fieldTooLarge(column: 2, limit: 16)))
        #expect(error?.description.contains("longer than 16 bytes") == true)
        let records = CSVDialect(maxFieldBytes: 100, maxRecordBytes: 25)
        #expect(
            ExportFixture.error([.file(path)], dialect: records)
                == ExportError(file: path, line: 3, reason: .recordTooLarge(limit: 25)))
        let exact = CSVDialect(maxFieldBytes: 17, maxRecordBytes: 26)
        #expect(try ExportFixture.read([.file(path)], columns: ["user_id", "email"], dialect: exact).rows.count == 2)
    }

    /// The first limit crossed is the one reported, though libcsv parses the rest of the chunk:
    /// a record over the record limit, then one with a field over the field limit.
    @Test("the first limit crossed is reported, whatever follows it in the same chunk", arguments: [7, 65536])
    func firstLimitWins(chunkSize: Int) throws {
        let path = try ExportFixture.temporaryFile(
            "user_id,email\nauth0|1,0123456789abcdef\nauth0|2,0123456789abcdefghijklmnopqrstuvwxyz\n",
            name: "first-limit.csv")
        let dialect = CSVDialect(maxFieldBytes: 20, maxRecordBytes: 20)
        #expect(
            ExportFixture.error([.file(path)], dialect: dialect, chunkSize: chunkSize)
                == ExportError(file: path, line: 2, reason: .recordTooLarge(limit: 20)))
    }

    @Test("a header naming more than 10,000 columns is refused")
    func tooManyColumns() throws {
        let names = (0..<10_001).map { "c\($0)" }.joined(separator: ",")
        let path = try ExportFixture.temporaryFile("user_id," + names + "\n", name: "columns.csv")
        #expect(ExportFixture.error([.file(path)])?.reason == .tooManyColumns(limit: 10_000))
    }
}
