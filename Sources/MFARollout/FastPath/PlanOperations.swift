/// A plan's operations, in order, stored compactly.
///
/// A plan can hold a million operations. As `[PlanOperation]`, each would be a 112-byte
/// value with two heap strings (user id, email): about 200 bytes and two allocations an
/// operation, and a retain and release per string each time one is copied. Here the text of
/// every operation (id, user id, email) lies back to back in one buffer, the few distinct
/// reasons, connections and files are stored once each, and an operation is a 56-byte entry
/// pointing into them. `PlanOperation` values are made when read, so code that uses a plan
/// sees an ordinary collection of them; the plan's writer, fingerprint and `PlanFile` read
/// the stored bytes directly (`fields(at:)`).
package struct PlanOperations: RandomAccessCollection, Sendable, Hashable, Codable, ExpressibleByArrayLiteral {
    let storage: Storage

    init(storage: Storage) {
        self.storage = storage
    }

    /// No operations.
    package init() {
        self.init(storage: Storage())
    }

    package init(_ operations: some Sequence<PlanOperation>) {
        let builder = Builder()
        for operation in operations { builder.append(operation) }
        self = builder.finish()
    }

    package init(arrayLiteral operations: PlanOperation...) {
        self.init(operations)
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { storage.count }

    package subscript(position: Int) -> PlanOperation {
        precondition(position >= 0 && position < storage.count, "operation index out of range")
        let entry = storage.entries[position]
        let fields = storage.fields(entry)
        var operation = PlanOperation(
            id: String(decoding: fields.id, as: UTF8.self),
            userID: String(decoding: fields.userID, as: UTF8.self),
            action: entry.action,
            current: entry.current,
            reason: storage.tableString(entry.reason),
            email: fields.email.map { String(decoding: $0, as: UTF8.self) },
            connection: entry.connection < 0 ? nil : storage.tableString(entry.connection),
            file: storage.tableString(entry.file),
            line: entry.line)
        operation.desired = entry.desired
        if entry.sourceDesired != Entry.untracked {
            operation.source = SourceChange(
                current: entry.sourceCurrent < 0 ? nil : storage.tableString(entry.sourceCurrent),
                desired: entry.sourceDesired < 0 ? nil : storage.tableString(entry.sourceDesired))
        }
        return operation
    }

    /// Operation `position` as bytes: valid while this collection is alive (hold it with
    /// `withExtendedLifetime` where that is not obvious).
    func fields(at position: Int) -> OperationFields {
        precondition(position >= 0 && position < storage.count, "operation index out of range")
        return storage.fields(storage.entries[position])
    }

    package static func == (left: PlanOperations, right: PlanOperations) -> Bool {
        left.storage === right.storage || left.elementsEqual(right)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for operation in self { hasher.combine(operation) }
    }

    package init(from decoder: any Decoder) throws {
        self.init(try [PlanOperation](from: decoder))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for operation in self { try container.encode(operation) }
    }

    /// One stored operation: where its text lies, and the table indices of its strings.
    struct Entry {
        /// The id, the user id and the email lie back to back in `Storage.text` from here.
        var start: Int
        var idLength: Int32
        var userIDLength: Int32
        /// -1 for no email (nil, which is not the same as empty).
        var emailLength: Int32
        /// Indices into the string table; `connection` -1 for none.
        var reason: Int32
        var connection: Int32
        var file: Int32
        var line: Int
        var action: PlanAction
        var current: FlagValue
        var desired: FlagValue
        /// The source key's value before and after, as string table indices: -1 for absent
        /// (deleted), `untracked` when the plan has no source key.
        var sourceCurrent: Int32
        var sourceDesired: Int32

        /// A `sourceCurrent`/`sourceDesired` of a plan without a source key.
        static let untracked: Int32 = -2
    }

    /// The bytes behind a `PlanOperations`. Filled by one `Builder`, never changed once
    /// `finish` has handed it out (hence `@unchecked Sendable`).
    final class Storage: @unchecked Sendable {
        // Written by one builder on one thread, read-only once finished: the runtime's
        // exclusivity checks (`@exclusivity(unchecked)`) would run on every operation.
        @exclusivity(unchecked) fileprivate var text = GrowableBytes(capacity: 4096)
        @exclusivity(unchecked) fileprivate(set) var entries: UnsafeMutablePointer<Entry>
        @exclusivity(unchecked) fileprivate(set) var count = 0
        @exclusivity(unchecked) fileprivate var entryCapacity: Int
        /// The distinct reasons, connections and files: where each lies in `text`, and as
        /// `String`s.
        @exclusivity(unchecked) fileprivate var table: [(start: Int, length: Int)] = []
        @exclusivity(unchecked) fileprivate var tableStrings: [String] = []

        init() {
            entryCapacity = 256
            entries = Self.allocate(Entry.self, count: entryCapacity)
        }

        deinit {
            POSIX.deallocate(entries)
        }

        /// Memory from `malloc`, grown with `realloc`: large blocks are mapped, and growing
        /// them remaps pages instead of copying them.
        private static func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
            guard let memory = POSIX.allocate(count * MemoryLayout<T>.stride) else {
                fatalError("out of memory storing a plan's operations")
            }
            return memory.bindMemory(to: T.self, capacity: count)
        }

        private static func grow<T>(_ pointer: UnsafeMutablePointer<T>, to count: Int) -> UnsafeMutablePointer<T> {
            guard let memory = POSIX.reallocate(pointer, count * MemoryLayout<T>.stride) else {
                fatalError("out of memory storing a plan's operations")
            }
            return memory.bindMemory(to: T.self, capacity: count)
        }

        func tableString(_ index: Int32) -> String { tableStrings[Int(index)] }

        func tableBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8> {
            let place = table[Int(index)]
            return UnsafeBufferPointer(start: text.base + place.start, count: place.length)
        }

        func fields(_ entry: Entry) -> OperationFields {
            let id = text.base + entry.start
            let userID = id + Int(entry.idLength)
            return OperationFields(
                id: UnsafeBufferPointer(start: id, count: Int(entry.idLength)),
                userID: UnsafeBufferPointer(start: userID, count: Int(entry.userIDLength)),
                email: entry.emailLength < 0
                    ? nil : UnsafeBufferPointer(start: userID + Int(entry.userIDLength), count: Int(entry.emailLength)),
                connection: entry.connection < 0 ? nil : tableBytes(entry.connection),
                reason: tableBytes(entry.reason),
                file: tableBytes(entry.file),
                action: entry.action, current: entry.current, desired: entry.desired, line: entry.line,
                source: entry.sourceDesired == Entry.untracked
                    ? nil
                    : OperationFields.Source(
                        current: entry.sourceCurrent < 0 ? nil : tableBytes(entry.sourceCurrent),
                        desired: entry.sourceDesired < 0 ? nil : tableBytes(entry.sourceDesired)))
        }

        /// Copies `first`, `second` and `third` to the end of `text`, back to back, and returns
        /// where they start. Three parameters, not a variadic one: that would allocate an
        /// array for every operation.
        fileprivate func appendText(
            _ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8> = .init(start: nil, count: 0),
            _ third: UnsafeBufferPointer<UInt8> = .init(start: nil, count: 0)
        ) -> Int {
            let start = text.count
            text.reserve(first.count + second.count + third.count)
            text.append(first)
            text.append(second)
            text.append(third)
            return start
        }

        fileprivate func appendEntry(_ entry: Entry) {
            if count == entryCapacity {
                entryCapacity *= 2
                entries = Self.grow(entries, to: entryCapacity)
            }
            (entries + count).initialize(to: entry)
            count += 1
        }
    }

    /// Collects operations one at a time into a `PlanOperations`.
    ///
    /// Used by one thread at a time (hence `@exclusivity(unchecked)` on its state, updated per
    /// operation). After `finish`, the builder must not be used again.
    package final class Builder {
        private let storage = Storage()
        @exclusivity(unchecked) private var finished = false
        /// False when each operation is wanted only until the next call (written and
        /// fingerprinted, then dropped): memory then stays that of one operation.
        private let retaining: Bool
        /// Where the last table string ends in `storage.text`; without `retaining`, each
        /// operation's text goes there, over the one before.
        @exclusivity(unchecked) private var tableEnd = 0

        package init(retaining: Bool = true) {
            self.retaining = retaining
        }
        /// Table strings past the first `scanLimit`, by value. The first few are found by a
        /// linear scan of their bytes (a plan has a handful of reasons, connections and files).
        private var byString: [String: Int32] = [:]
        private static let scanLimit = 32

        /// Number of operations kept so far.
        package var count: Int { storage.count }

        /// The table index of the string whose UTF-8 is `bytes`, adding it when new.
        func tableIndex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
            let scanned = Int32(Swift.min(storage.table.count, Self.scanLimit))
            for index in 0..<scanned where storage.tableBytes(index).equals(bytes) { return index }
            if scanned < Self.scanLimit { return add(String(decoding: bytes, as: UTF8.self), bytes) }
            let string = String(decoding: bytes, as: UTF8.self)
            return byString[string] ?? add(string, bytes)
        }

        /// The table index of `string`, adding it when new.
        func tableIndex(_ string: String) -> Int32 {
            var string = string
            return string.withUTF8 { tableIndex($0) }
        }

        private func add(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
            let index = Int32(storage.table.count)
            let start = storage.appendText(bytes)
            tableEnd = storage.text.count
            storage.table.append((start, bytes.count))
            storage.tableStrings.append(string)
            if index >= Self.scanLimit { byString[string] = index }
            return index
        }

        /// Adds an operation and returns its bytes, valid until the next call on the builder.
        /// `reason`, `connection` (-1 for none) and `file` are table indices.
        @discardableResult
        func append(
            id: UnsafeBufferPointer<UInt8>, userID: UnsafeBufferPointer<UInt8>, email: UnsafeBufferPointer<UInt8>?,
            action: PlanAction, current: FlagValue, desired: FlagValue,
            reason: Int32, connection: Int32, file: Int32, line: Int,
            sourceCurrent: Int32 = Entry.untracked, sourceDesired: Int32 = Entry.untracked
        ) -> OperationFields {
            precondition(!finished, "PlanOperations.Builder used after finish()")
            if !retaining {
                storage.text.count = tableEnd
                storage.count = 0
            }
            guard id.count <= Int32.max, userID.count <= Int32.max, (email?.count ?? 0) <= Int32.max else {
                fatalError("an operation's id, user id or email is longer than 2 GiB")
            }
            let start = storage.appendText(id, userID, email ?? UnsafeBufferPointer(start: nil, count: 0))
            let entry = Entry(
                start: start, idLength: Int32(id.count), userIDLength: Int32(userID.count),
                emailLength: email.map { Int32($0.count) } ?? -1,
                reason: reason, connection: connection, file: file, line: line,
                action: action, current: current, desired: desired,
                sourceCurrent: sourceCurrent, sourceDesired: sourceDesired)
            storage.appendEntry(entry)
            return storage.fields(entry)
        }

        /// Adds `operation`.
        package func append(_ operation: PlanOperation) {
            let reason = tableIndex(operation.reason)
            let connection = operation.connection.map { tableIndex($0) } ?? -1
            let file = tableIndex(operation.file)
            let sourceCurrent = operation.source.map { $0.current.map { tableIndex($0) } ?? -1 } ?? Entry.untracked
            let sourceDesired = operation.source.map { $0.desired.map { tableIndex($0) } ?? -1 } ?? Entry.untracked
            var id = operation.id
            var userID = operation.userID
            var email = operation.email
            id.withUTF8 { id in
                userID.withUTF8 { userID in
                    func add(_ email: UnsafeBufferPointer<UInt8>?) {
                        append(
                            id: id, userID: userID, email: email, action: operation.action,
                            current: operation.current, desired: operation.desired,
                            reason: reason, connection: connection, file: file, line: operation.line,
                            sourceCurrent: sourceCurrent, sourceDesired: sourceDesired)
                    }
                    if email != nil { email!.withUTF8 { add($0) } } else { add(nil) }
                }
            }
        }

        /// The operations added, in order.
        package func finish() -> PlanOperations {
            precondition(!finished, "PlanOperations.Builder.finish() called twice")
            finished = true
            return PlanOperations(storage: storage)
        }
    }
}

/// One operation as bytes, borrowed from wherever they are kept (a `PlanOperations`, or the
/// row being decided): what the plan file's JSON and the fingerprint are written from,
/// without making a `String` or counting a reference.
struct OperationFields {
    var id: UnsafeBufferPointer<UInt8>
    var userID: UnsafeBufferPointer<UInt8>
    var email: UnsafeBufferPointer<UInt8>?
    var connection: UnsafeBufferPointer<UInt8>?
    var reason: UnsafeBufferPointer<UInt8>
    var file: UnsafeBufferPointer<UInt8>
    var action: PlanAction
    var current: FlagValue
    var desired: FlagValue
    var line: Int
    /// The source key's change; nil when the plan has no source key.
    var source: Source?

    /// The source key's value before and after; nil for absent (deleted).
    struct Source {
        var current: UnsafeBufferPointer<UInt8>?
        var desired: UnsafeBufferPointer<UInt8>?
    }
}

extension PlanOperation {
    /// Calls `body` with this operation's bytes.
    func withFields<Result>(_ body: (OperationFields) throws -> Result) rethrows -> Result {
        let builder = PlanOperations.Builder()
        builder.append(self)
        let operations = builder.finish()
        return try withExtendedLifetime(operations) { try body(operations.fields(at: 0)) }
    }
}
