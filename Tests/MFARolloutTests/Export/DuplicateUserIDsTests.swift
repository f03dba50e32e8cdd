import Foundation
import Testing

@testable import MFARollout

/// Duplicate ids checked by the caller (`readRecords(duplicates:)`, as the planner's deciding
/// thread does) against the reader checking them itself: the same rows admitted, the same
/// rejections in the same order, the same error.
@Suite("duplicate ids checked by the caller, against the reader checking them")
struct DuplicateUserIDsTests {
    static let header = "user_id,email\n"

    /// Two files with duplicates within and across them, mixed with rows the reader rejects
    /// (field count, empty id), so the merge of the two kinds of rejection is exercised.
    static func files() throws -> [ExportSource] {
        let first = try ExportFixture.temporaryFile(
            header + "auth0|1,a@x.com\nauth0|2,b@x.com\nauth0|1,dup@x.com\nbroken\n,empty@x.com\nauth0|3,c@x.com\n"
                + "auth0|2,dup2@x.com\n",
            name: "first.csv")
        let second = try ExportFixture.temporaryFile(
            header + "auth0|4,d@x.com\nauth0|3,dup3@x.com\nalso,broken,row\nauth0|4,dup4@x.com\nauth0|5,e@x.com\n",
            name: "second.csv")
        return [.file(first), .file(second)]
    }

    /// Reads `sources` with the caller checking duplicates; returns the admitted rows (file,
    /// line, user id) and the rejections `finish` delivered.
    static func readDeferred(_ sources: [ExportSource], skip: Bool) throws -> (
        rows: [String], rejected: [RejectedRow]
    ) {
        let reader = ExportReader(sources: sources)
        let duplicates = DuplicateUserIDs(expectedLineCount: 16)
        var rows: [String] = []
        _ = try reader.readRecords(
            columns: ["user_id", "email"], required: [], onRejected: skip ? { _ in } : nil, duplicates: duplicates
        ) { record in
            if try duplicates.admit(record) { rows.append("\(record.file):\(record.line):\(record.string(0)!)") }
        }
        var rejected: [RejectedRow] = []
        let count = duplicates.finish { rejected.append($0) }
        #expect(count == rejected.count)
        return (rows, rejected)
    }

    @Test("skipping: the same rows and the same rejections, in input order, duplicates naming their first")
    func skipping() throws {
        let sources = try Self.files()
        let immediate = try ExportFixture.read(sources, columns: ["user_id", "email"], skip: true)
        let deferred = try Self.readDeferred(sources, skip: true)
        #expect(deferred.rows == immediate.rows.map { "\($0.file):\($0.line):\($0.values[0]!)" })
        #expect(deferred.rejected == immediate.rejected)
        // Four in the first file (two duplicates, a short row, an empty id), three in the second
        // (a duplicate of the first file's, a long row, a duplicate of its own).
        #expect(immediate.rejected.map(\.line) == [4, 5, 6, 8, 3, 4, 5])
        #expect(immediate.rejected[4].reason.contains("already seen at"))
    }

    @Test("not skipping: the first duplicate is thrown as the reader throws it, naming the first occurrence")
    func throwing() throws {
        let file = try ExportFixture.temporaryFile(
            Self.header + "auth0|1,a@x.com\nauth0|2,b@x.com\nauth0|2,c@x.com\n", name: "dup.csv")
        let expected = ExportError(
            file: file, line: 4, reason: .duplicateUserID("auth0|2", firstSeen: ExportLocation(file: file, line: 3)))
        #expect(throws: expected) { try ExportFixture.read([.file(file)], columns: ["user_id", "email"]) }
        #expect(throws: expected) { try Self.readDeferred([.file(file)], skip: false) }
    }
}
