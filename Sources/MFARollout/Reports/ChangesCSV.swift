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
        for op in plan.operations {
            try! writer.writeRow([
                op.id, op.userID, op.email ?? "", op.connection ?? "", op.action.rawValue, op.current.rawValue,
                op.desired.rawValue, op.reason, op.file, String(op.line),
            ])
        }
        return writer.bytes
    }
}
