import MFARollout

/// Turns export rows straight into ``UserTable`` records, without making a ``User``: the fast
/// path of seeding from an export. It gives exactly the users ``UserSeed/user(columns:values:)``
/// (the reference) gives, which a differential test holds it to.
///
/// The header's column paths are laid out once as a tree (objects, arrays, leaves); a row then
/// only picks, per leaf, the last of its columns with a non-empty cell, and writes the present
/// branches. A header the tree cannot express as the reference would build it (a path that is
/// both a value and a container, or an array and an object; a path starting with an index; a
/// `user_id` path that is typed) has no packer: ``init(paths:keys:)`` returns nil and the caller
/// uses the reference.
struct UserRowPacker {
    /// Tree nodes, flattened: children of an object or array are listed in `children`.
    private struct Node {
        enum Kind {
            case leaf
            case object
            case array
        }
        var kind: Kind
        /// For a member of an object, its key's number; for an element of an array, its index.
        var label: Int = 0
        var children: [Int] = []
        /// The leaves under this node are `leafRange` of `leaves` (depth-first order).
        var leafRange: Range<Int> = 0..<0
    }

    private var nodes: [Node] = []
    /// Per leaf, in depth-first order: the slots (columns of the read) that write it, in
    /// column order.
    private var leaves: [[Int]] = []
    /// Per slot: the cell is kept as a string whatever it holds.
    private let stringSlots: [Bool]
    /// The leaf holding `user_id`.
    private var idLeaf = -1
    /// The root's child that is `user_id`.
    private var idNode = -1
    /// Per leaf, the winning slot of the current row (-1: absent).
    private var winners: [Int] = []

    /// A packer for rows whose slot `i` is the column at path `paths[i]` (`export_as` aliases
    /// already resolved), numbering keys in `keys`; nil when the reference must be used.
    init?(paths: [String], keys: inout PackedKeys) {
        stringSlots = paths.map { UserSeed.stringFields.contains($0) }
        // Build with dictionaries first: keys compare as Swift strings, as the reference's
        // dictionaries compare them.
        final class Draft {
            var kind: Node.Kind?
            var members: [(String, Draft)] = []
            var elements: [(Int, Draft)] = []
            var slots: [Int] = []
        }
        let root = Draft()
        root.kind = .object
        for (slot, path) in paths.enumerated() {
            let steps = FieldPath.steps(path)
            guard case .key? = steps.first else { return nil }
            var node = root
            for step in steps {
                switch step {
                case .key(let key):
                    guard node.kind == .object || node.kind == nil else { return nil }
                    node.kind = .object
                    if let child = node.members.first(where: { $0.0 == key })?.1 {
                        node = child
                    } else {
                        let child = Draft()
                        node.members.append((key, child))
                        node = child
                    }
                case .index(let index):
                    // An index far past the export's columns would make the reference build a
                    // huge array; leave such headers to it.
                    guard node.kind == .array || node.kind == nil, index >= 0, index < 1024 else { return nil }
                    node.kind = .array
                    if let child = node.elements.first(where: { $0.0 == index })?.1 {
                        node = child
                    } else {
                        let child = Draft()
                        node.elements.append((index, child))
                        node = child
                    }
                }
            }
            guard node.kind == .leaf || node.kind == nil else { return nil }
            node.kind = .leaf
            node.slots.append(slot)
        }
        guard let idDraft = root.members.first(where: { $0.0 == "user_id" })?.1, idDraft.kind == .leaf,
            idDraft.slots.allSatisfy({ stringSlots[$0] })
        else { return nil }

        func flatten(_ draft: Draft, label: Int) -> Int {
            let at = nodes.count
            nodes.append(Node(kind: draft.kind ?? .leaf, label: label))
            let firstLeaf = leaves.count
            var children: [Int] = []
            switch draft.kind ?? .leaf {
            case .leaf:
                if draft === idDraft { idLeaf = leaves.count }
                leaves.append(draft.slots)
            case .object:
                for (key, child) in draft.members {
                    let index = flatten(child, label: keys.number(of: key))
                    if child === idDraft { idNode = index }
                    children.append(index)
                }
            case .array:
                for (position, child) in draft.elements.sorted(by: { $0.0 < $1.0 }) {
                    children.append(flatten(child, label: position))
                }
            }
            nodes[at].children = children
            nodes[at].leafRange = firstLeaf..<leaves.count
            return at
        }
        _ = flatten(root, label: 0)
        winners = Array(repeating: -1, count: leaves.count)
    }

    /// Adds the user of one row to `table` (replacing one with the same id); does nothing
    /// when the row has no `user_id`, as the reference gives no user for it.
    mutating func pack(_ record: ExportRecord, into table: inout UserTable) {
        for leaf in leaves.indices {
            var winner = -1
            for slot in leaves[leaf] {
                if let bytes = record.bytes(slot), !bytes.isEmpty { winner = slot }
            }
            winners[leaf] = winner
        }
        guard winners[idLeaf] >= 0, let id = record.bytes(winners[idLeaf]) else { return }
        let packer = self
        table.put(id: id) { bytes in packer.write(node: 0, record: record, to: &bytes) }
    }

    private func present(_ node: Int) -> Bool {
        for leaf in nodes[node].leafRange where winners[leaf] >= 0 { return true }
        return false
    }

    private func write(node index: Int, record: ExportRecord, to bytes: inout [UInt8]) {
        let node = nodes[index]
        switch node.kind {
        case .leaf:
            let slot = winners[node.leafRange.lowerBound]
            writeCell(record.bytes(slot)!, string: stringSlots[slot], to: &bytes)
        case .object:
            var count = 0
            for child in node.children where child != idNode && present(child) { count += 1 }
            bytes.append(PackedJSON.Tag.object.rawValue)
            PackedJSON.appendVarint(UInt64(count), to: &bytes)
            for child in node.children where child != idNode && present(child) {
                PackedJSON.appendVarint(UInt64(nodes[child].label), to: &bytes)
                write(node: child, record: record, to: &bytes)
            }
        case .array:
            var length = 0
            for child in node.children where present(child) { length = nodes[child].label + 1 }
            bytes.append(PackedJSON.Tag.array.rawValue)
            PackedJSON.appendVarint(UInt64(length), to: &bytes)
            var next = 0
            for child in node.children where present(child) {
                // Elements before a present one are empty objects, as the reference pads them.
                while next < nodes[child].label {
                    bytes.append(PackedJSON.Tag.object.rawValue)
                    bytes.append(0)
                    next += 1
                }
                write(node: child, record: record, to: &bytes)
                next += 1
            }
        }
    }

    /// One non-empty cell, typed as ``UserSeed/typedValue(_:)`` types it.
    private func writeCell(_ cell: UnsafeBufferPointer<UInt8>, string: Bool, to bytes: inout [UInt8]) {
        if !string {
            if cell.elementsEqual("true".utf8) {
                bytes.append(PackedJSON.Tag.true.rawValue)
                return
            }
            if cell.elementsEqual("false".utf8) {
                bytes.append(PackedJSON.Tag.false.rawValue)
                return
            }
            if let number = Self.canonicalInteger(cell) {
                PackedJSON.appendInt(number, to: &bytes)
                return
            }
        }
        PackedJSON.appendString(cell, to: &bytes)
    }

    /// The integer whose decimal spelling is exactly `text` (`-` and digits, no leading zero,
    /// no `-0`, within `Int`); nil for anything else.
    static func canonicalInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        var position = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { position = 1 }
        guard position < text.count else { return nil }
        let zero = UInt8(ascii: "0")
        if text[position] == zero && (negative || text.count > position + 1) { return nil }
        var value = 0
        while position < text.count {
            let digit = Int(text[position]) - Int(zero)
            guard (0...9).contains(digit) else { return nil }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) =
                negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflowTimes, !overflowAdd else { return nil }
            value = next
            position += 1
        }
        return value
    }
}
