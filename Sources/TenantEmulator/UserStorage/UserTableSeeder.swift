import MFARollout

/// Adds export rows to a ``UserTable``: through ``UserRowPacker`` when the header allows it,
/// else one ``User`` at a time through the reference, ``UserSeed/user(columns:values:)``.
struct UserTableSeeder {
    /// The users so far.
    var table: UserTable
    private var packer: UserRowPacker?
    private let paths: [String]

    /// A seeder for rows whose slot `i` holds the column at `paths[i]` (aliases resolved).
    init(paths: [String], table: UserTable = UserTable()) {
        self.table = table
        self.paths = paths
        packer = UserRowPacker(paths: paths, keys: &self.table.keys)
    }

    /// Whether rows go through the packer (false: through the reference).
    var packs: Bool { packer != nil }

    /// Adds the user of one row, replacing one with the same id; a row without `user_id` adds
    /// nothing.
    mutating func add(_ record: ExportRecord) {
        if packer != nil {
            packer!.pack(record, into: &table)
        } else if let user = UserSeed.user(columns: paths, values: record.strings) {
            table.put(user)
        }
    }
}
