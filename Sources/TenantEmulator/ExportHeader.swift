import CompressNIO
import Foundation
import NIOCore

/// The column names of an export file, so every column can be asked of `ExportReader`
/// (which wants the names up front and does not hand out the header).
enum ExportHeader {
    /// Reads the first record of `path` (gzip-compressed or plain; a UTF-8 BOM is skipped).
    static func columns(ofFile path: String) throws -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EmulatorError.unreadableExport(path: path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        var bytes = [UInt8](try handle.readToEnd() ?? Data())
        if bytes.starts(with: [0x1F, 0x8B]) {
            var buffer = ByteBuffer(bytes: bytes)
            do {
                let plain = try buffer.decompress(with: .gzip())
                bytes = Array(plain.readableBytesView)
            } catch {
                throw EmulatorError.unreadableExport(path: path, reason: "not a valid gzip file")
            }
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let names = parseRecord(bytes)
        guard !names.isEmpty, names != [""] else {
            throw EmulatorError.unreadableExport(path: path, reason: "no header row")
        }
        return names
    }

    /// The fields of the first CSV record: comma-separated, optionally double-quoted with `""`
    /// for a quote; a newline inside quotes belongs to the field.
    static func parseRecord(_ bytes: [UInt8]) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if byte == 0x0A || byte == 0x0D {
                break
            } else {
                field.append(byte)
            }
            index += 1
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields
    }
}
