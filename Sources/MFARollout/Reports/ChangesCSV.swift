/// Every planned change as CSV, for people who review in a spreadsheet. Written with libcsv's
/// quoting; cells that would start a formula (`= + - @`) are neutralised with a leading `'`.
package enum ChangesCSV {
    package static let header = [
        "operation_id", "user_id", "email", "connection", "action", "current", "desired", "reason", "file", "line",
    ]

    package static func render(_ plan: Plan) -> [UInt8] {
        var writer = CSVWriter(neutralizeFormulas: true)
        // Memory mode does not throw.
        try! writer.writeRow(header)
        // From the operations' stored bytes: a plan of a million changes makes no string.
        let operations = plan.operations
        withExtendedLifetime(operations) {
            // Room for as many rows as the first, and an eighth more: the buffer is not copied
            // each time it grows (a million rows are some 150 MB).
            if let first = operations.indices.first {
                let op = operations.fields(at: first)
                var row = 48 + op.id.count + op.userID.count + op.reason.count + op.file.count
                row += (op.email?.count ?? 0) + (op.connection?.count ?? 0)
                writer.reserveCapacity(operations.count * row * 9 / 8)
            }
            for index in operations.indices {
                let op = operations.fields(at: index)
                writer.appendField(op.id, first: true)
                writer.appendField(op.userID, first: false)
                writer.appendField(op.email ?? UnsafeBufferPointer(start: nil, count: 0), first: false)
                writer.appendField(op.connection ?? UnsafeBufferPointer(start: nil, count: 0), first: false)
                appendName(op.action.rawValue, to: &writer)
                appendName(op.current.rawValue, to: &writer)
                appendName(op.desired.rawValue, to: &writer)
                writer.appendField(op.reason, first: false)
                writer.appendField(op.file, first: false)
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { digits in
                    var line = JSONOutput(digits.baseAddress!, at: 0)
                    line.decimal(op.line)
                    writer.appendField(UnsafeBufferPointer(rebasing: digits[..<line.position]), first: false)
                }
                try! writer.endRow()
            }
        }
        return writer.bytes
    }

    private static func appendName(_ name: String, to writer: inout CSVWriter) {
        var name = name
        name.withUTF8 { writer.appendField($0, first: false) }
    }
}
