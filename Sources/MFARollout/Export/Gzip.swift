import CompressNIO
import NIOCore

/// Whole-buffer gzip, for the emulator's `.csv.gz` exports and for tests. (Reading uses the
/// streaming decompressor in `ExportInput`.)
package enum Gzip {
    /// `bytes` compressed as one gzip member.
    package static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        var input = ByteBufferAllocator().buffer(capacity: bytes.count)
        input.writeBytes(bytes)
        var output = try input.compress(with: .gzip)
        return output.readBytes(length: output.readableBytes) ?? []
    }
}
