import Foundation
import MFARollout
import Testing

@testable import TenantEmulator

/// The packer against the reference, `UserSeed.user(columns:values:)`: the same users, in the
/// same order, for the sample exports and for generated headers and rows.
@Suite("Seeding from export rows: packer against the reference")
struct UserRowPackerTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)  // Tests/TenantEmulatorTests/UserStorage/…
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// What the reference makes of rows: users in first-seen order, a later row of an id
    /// replacing the earlier one.
    static func reference(paths: [String], rows: [[String?]]) -> [User] {
        var order: [String] = []
        var users: [String: User] = [:]
        for row in rows {
            guard let user = UserSeed.user(columns: paths, values: row) else { continue }
            if users[user.id] == nil { order.append(user.id) }
            users[user.id] = user
        }
        return order.map { users[$0]! }
    }

    static func seeded(paths: [String], rows: [[String?]]) -> (users: [User], packed: Bool) {
        var seeder = UserTableSeeder(paths: paths)
        for row in rows { ExportRecord.withValues(row) { seeder.add($0) } }
        return (seeder.table.users(0..<seeder.table.count), seeder.packs)
    }

    @Test(
        "Every sample and fixture export seeds the same users as the reference",
        arguments: [
            "samples/users.csv", "samples/users.csv.gz", "samples/members/members.csv",
            "Tests/MFARolloutTests/Fixtures/export/auth0-users.csv",
            "Tests/MFARolloutTests/Fixtures/export/auth0-users.csv.gz",
            "Tests/MFARolloutTests/Fixtures/export/part-a.csv", "Tests/MFARolloutTests/Fixtures/export/duplicate.csv",
            "Tests/MFARolloutTests/Fixtures/export/no-trailing-newline.csv",
            "Tests/MFARolloutTests/Fixtures/export/blank-lines.csv",
            "Tests/MFARolloutTests/Fixtures/export/empty-userid.csv",
            "Tests/MFARolloutTests/Fixtures/hostile/users.csv", "Tests/MFARolloutTests/Fixtures/hostile/spaces.csv",
            "Tests/MFARolloutTests/Fixtures/hostile/cr-only.csv",
            "Tests/MFARolloutTests/Fixtures/hostile/duplicate-header.csv",
        ])
    func sampleExports(file: String) throws {
        let path = Self.packageRoot.appendingPathComponent(file).path
        let reference = Result { try UserSeed.users(fromExport: path) }
        let packed = Result { try UserSeed.table(fromExport: path) }
        switch (reference, packed) {
        case (.success(let users), .success(let table)):
            #expect(table.users(0..<table.count) == users)
        case (.failure(let expected), .failure(let actual)):
            #expect("\(actual)" == "\(expected)")
        default:
            Issue.record("reference \(reference), packer \(packed)")
        }
    }

    @Test("The sample export goes through the packer, not the reference")
    func sampleIsPacked() throws {
        let path = Self.packageRoot.appendingPathComponent("samples/users.csv").path
        let columns = try ExportHeader.columns(ofFile: path)
        #expect(UserTableSeeder(paths: columns.map { UserSeed.aliases[$0] ?? $0 }).packs)
        #expect(try UserSeed.table(fromExport: path).count > 0)
    }

    /// Column paths, including ones that clash (a value and a container at one path, an array
    /// and an object), aliases, and paths the reference reads oddly.
    static let pathPool = [
        "email", "name", "email_verified", "logins_count", "created_at", "connection", "app_metadata.use_mfa",
        "use_mfa", "app_metadata.department", "app_metadata.roles[0]", "user_metadata.consent.given",
        "user_metadata.consent.at", "identities[0].connection", "identities[1].provider", "identities[0].isSocial",
        "multifactor[0]", "a[0][2]", "a[1].b", "x..y", "", "app_metadata", "user_metadata.consent", "identities[0]",
        "identities", "identities.connection", "[0]", "[user_id]", "user_id.x", "a[2000]",
    ]

    /// Cells whose typing is easy to get wrong.
    static let cellPool: [String?] = [
        "", "", "", nil, "true", "false", "true ", " true", "TRUE", "False", "0", "01", "-0", "-5", "+5", "12", "1.5",
        "1e3", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "-",
        "--1", "a\"b", "'quoted'", "é", "e\u{301}", "\u{0}", "\u{7}\n\t\r", "😀 x", ",", "null", "{}", "[]",
        "Username-Password-Authentication", "2026-01-01T00:00:00.000Z",
    ]

    @Test("Generated headers and rows: the same users as the reference, packed or not")
    func generatedRows() {
        var random = SplitMix64(seed: 24)
        var packedHeaders = 0
        var referenceHeaders = 0
        for round in 0..<400 {
            // Mostly clean headers (so the packer is exercised), sometimes a clashing one.
            let poolSize = round % 4 == 0 ? Self.pathPool.count : 20
            var columns = ["user_id"]
            for path in Self.pathPool.prefix(poolSize) where Bool.random(using: &random) {
                columns.insert(path, at: Int.random(in: 0...columns.count, using: &random))
            }
            let paths = columns.map { UserSeed.aliases[$0] ?? $0 }
            var rows: [[String?]] = []
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                rows.append(
                    columns.map { column in
                        column == "user_id"
                            ? ["auth0|1", "auth0|2", "auth0|3", "e\u{301}|4", "", "true", "7"].randomElement(
                                using: &random)!
                            : Self.cellPool.randomElement(using: &random)!
                    })
            }
            let (users, packed) = Self.seeded(paths: paths, rows: rows)
            #expect(users == Self.reference(paths: paths, rows: rows), "columns \(columns), rows \(rows)")
            if packed { packedHeaders += 1 } else { referenceHeaders += 1 }
        }
        #expect(packedHeaders > 100)
        #expect(referenceHeaders > 10)
    }

    @Test("Typing: booleans and canonical integers only; the rest stays text")
    func typing() {
        let columns = ["user_id", "a", "b", "c", "d", "e", "f", "g", "name"]
        let row: [String?] = ["7", "true ", "01", "-0", "-12", "9223372036854775808", "false", "0", "true"]
        let (users, packed) = Self.seeded(paths: columns, rows: [row])
        #expect(packed)
        #expect(
            users == [
                User(fields: [
                    "user_id": "7", "a": "true ", "b": "01", "c": "-0", "d": -12, "e": "9223372036854775808",
                    "f": false, "g": 0, "name": "true",
                ])
            ])
    }

    @Test("Array elements before a present one are empty objects; absent branches are left out")
    func padding() {
        let columns = ["user_id", "identities[2].connection", "identities[0].provider", "app_metadata.x"]
        let (users, packed) = Self.seeded(paths: columns, rows: [["u", "c", "", ""]])
        #expect(packed)
        #expect(users == [User(fields: ["user_id": "u", "identities": [[:], [:], ["connection": "c"]]])])
    }

    @Test("Clashing headers are left to the reference")
    func clashes() {
        for columns in [
            ["user_id", "app_metadata", "app_metadata.x"], ["user_id", "a[0]", "a.b"], ["user_id", "[0]"],
            ["user_id", "[user_id]"], ["user_id", "user_id.x"], ["user_id", "a[5000]"],
        ] {
            #expect(!UserTableSeeder(paths: columns).packs, "\(columns)")
        }
    }
}
