/// Every planned change as CSV, for people who review in a spreadsheet. Written with libcsv's
/// quoting; cells that would start a formula (`= + - @`) are neutralised with a leading `'`.
/// Invisible, reordering and control characters are written escaped (`\u202e`, see
/// `VisibleText`), and the last column names the columns of the row that held any, so a
/// spoofed value cannot pass for another in the sheet.
package enum ChangesCSV {
    package static let header = [
        "operation_id", "user_id", "email", "connection", "action", "current", "desired", "reason", "file", "line",
        "warning",
    ]

    package static func render(_ plan: Plan) -> [UInt8] {
        var writer = CSVWriter(neutralizeFormulas: true)
        // Memory mode does not throw.
        try! writer.writeRow(header)
        let shown = VisibleText.escaped
        for op in plan.operations {
            try! writer.writeRow([
                op.id, shown(op.userID), shown(op.email ?? ""), shown(op.connection ?? ""), op.action.rawValue,
                op.current.rawValue, op.desired.rawValue, shown(op.reason), shown(op.file), String(op.line),
                ReportModel.invisibleWarning(op),
            ])
        }
        return writer.bytes
    }
}
