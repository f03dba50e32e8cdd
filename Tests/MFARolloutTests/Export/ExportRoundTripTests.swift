import Foundation
import Testing

@testable import MFARollout

@Suite("Auth0ExportEncoder and the round trip through gzip and ExportReader")
struct ExportRoundTripTests {
    @Test(
        "Encoder writes Auth0's escaping: header quoted, strings '-prefixed, dates bare-quoted, numbers and bools unquoted"
    )
    func encoderBytes() {
        let bytes = Auth0ExportEncoder().encode(
            header: ["user_id", "name", "created_at", "logins_count", "use_mfa", "nickname"],
            rows: [
                [
                    .string("auth0|abc"), .string("Jo \"J\" O"), .date("2024-01-31T10:00:00.000Z"), .number("42"),
                    .bool(true), .empty,
                ]
            ])
        #expect(
            String(decoding: bytes, as: UTF8.self) == """
                "user_id","name","created_at","logins_count","use_mfa","nickname"
                "'auth0|abc","'Jo ""J"" O","2024-01-31T10:00:00.000Z",42,true,

                """)
    }

    static let trickyValues = [
        "plain", "with,comma", "with \"quotes\"", "multi\nline", "crlf\r\nline", "'leading quote", "''two quotes",
        "=SUM(A1:A9)", "+1", "-1", "@cmd", "Zoë 日本 🚀", "", "  spaced  ", "trailing\"",
    ]

    @Test("Round trip: encode, gzip, read back the original values", arguments: [16, 64 * 1024])
    func roundTrip(chunkSize: Int) throws {
        let header = ["user_id", "email", "note", "created_at", "use_mfa", "count", "blank"]
        var expected: [[String?]] = []
        var rows: [[Auth0ExportValue]] = []
        for (index, note) in Self.trickyValues.enumerated() {
            let id = [
                "auth0|\(index)", "samlp|conn|u\(index)@x.com", "oidc|a/b\"c\(index)", "weird| spaced \(index) ",
            ][
                index % 4]
            rows.append([
                .string(id), .string("u\(index)@example.com"), .string(note),
                .date("2024-02-0\(index % 9 + 1)T00:00:00.000Z"),
                .bool(index % 2 == 0), .number("\(index * 7)"), .empty,
            ])
            expected.append([
                id, "u\(index)@example.com", note, "2024-02-0\(index % 9 + 1)T00:00:00.000Z",
                index % 2 == 0 ? "true" : "false", "\(index * 7)", "",
            ])
        }
        let gz = try Gzip.compress(Auth0ExportEncoder().encode(header: header, rows: rows))
        #expect(gz.starts(with: [0x1F, 0x8B]))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-rt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tenant.csv.gz").path
        try Data(gz).write(to: URL(fileURLWithPath: path))

        let result = try ExportFixture.read([.file(path)], columns: header, chunkSize: chunkSize)
        #expect(result.rows.count == expected.count)
        for (row, want) in zip(result.rows, expected) {
            #expect(row.values == want)
        }
        // Each record starts after the previous one plus the newlines inside its values.
        var line = 2
        for (row, values) in zip(result.rows, expected) {
            #expect(row.line == line)
            line += 1 + values.compactMap { $0 }.reduce(0) { $0 + $1.filter { $0 == "\n" || $0 == "\r\n" }.count }
        }
    }
}
