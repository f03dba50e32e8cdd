extension Policy {
    /// The policy reading `column` (by default Auth0's `multifactor[0]`) as ``ColumnMap/enrolled``
    /// when it names no enrolled column itself; unchanged when it does. `reconcile` asks for it
    /// so that every run reports enrollment progress.
    package func requestingEnrollment(column: String = ColumnMap.auth0EnrolledField) -> Policy {
        guard columns.enrolled == nil else { return self }
        var copy = self
        copy.columns.enrolled = column
        if !copy.columnsNeeded.contains(column) { copy.columnsNeeded.append(column) }
        return copy
    }
}
