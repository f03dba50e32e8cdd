import Foundation
import Testing

@testable import MFARollout

@Suite("policy: the export's field and record limits")
struct PolicyCSVLimitsTests {
    @Test("csv: max_field_bytes and max_record_bytes, in bytes or with a unit")
    func csvLimits() throws {
        let policy = try Fixture.parse(
            """
            version: 1
            csv: {max_field_bytes: 65536, max_record_bytes: 8 MiB}
            rules: [{name: r, when: {column: email, exists: true}}]
            """)
        #expect(policy.dialect.maxFieldBytes == 65536)
        #expect(policy.dialect.maxRecordBytes == 8 << 20)
        let defaults = try Fixture.parse("version: 1\nrules: [{name: r, when: {column: email, exists: true}}]\n")
        #expect(defaults.dialect.maxFieldBytes == 1 << 20 && defaults.dialect.maxRecordBytes == 4 << 20)
        let bad = Fixture.error(
            "version: 1\ncsv: {max_field_bytes: lots}\nrules: [{name: r, when: {column: email, exists: true}}]\n")
        #expect(bad?.keyPath == "csv.max_field_bytes")
        let inverted = Fixture.error(
            "version: 1\ncsv: {max_field_bytes: 2 MiB, max_record_bytes: 1 MiB}\nrules: [{name: r, when: {column: email, exists: true}}]\n"
        )
        #expect(inverted?.message.contains("a field is part of a record") == true)
    }
}
