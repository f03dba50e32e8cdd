/// Gathers a file's bytes as they are rendered and hands them on in pieces of about 64 KiB,
/// so that writing a large file costs neither one call per request nor the whole file in memory.
struct EmitOutput {
    private var buffer: [UInt8] = []
    private let sink: ([UInt8]) throws -> Void
    private static let pieceSize = 64 * 1024

    init(sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
        buffer.reserveCapacity(Self.pieceSize + 4096)
    }

    mutating func append(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.pieceSize { try flush() }
    }

    mutating func append(_ text: String) throws {
        try append(text.utf8)
    }

    /// Hands on what is gathered; call once at the end.
    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
