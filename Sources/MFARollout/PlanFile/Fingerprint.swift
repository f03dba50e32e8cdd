import Crypto

/// The plan's fingerprint: SHA-256 over every byte of the plan file except the fingerprint
/// itself.
///
/// The plan file ends with its fingerprint, on a line of its own:
///
///       "applicable" : true,
///       "fingerprint" : "sha256:<64 lowercase hex digits>"
///     }
///
/// and the fingerprint is SHA-256 over every byte before that line (its two spaces of
/// indentation are the line's). Whatever decides what `apply`, `emit` or `undo` may do is in
/// those bytes — format version, tenant, flag, mode, guards and their results, outcome,
/// applicability, times, input digests, every field of every operation — so any edit of the
/// file, even of one space, is seen. A person quotes the fingerprint when approving; the
/// commands that read a plan recompute it and refuse a plan that no longer hashes to it.
package enum Fingerprint {
    /// `sha256:` and 64 lowercase hex digits.
    static let length = 7 + 64

    /// What precedes the fingerprint's value on its line.
    static let linePrefix = Array("  \"fingerprint\" : \"".utf8)
    /// What follows it: the end of the line and of the file.
    static let lineSuffix = Array("\"\n}\n".utf8)
    /// The bytes the fingerprint line and the file's end take.
    static var trailerLength: Int { linePrefix.count + length + lineSuffix.count }

    /// The file's last line and closing brace, for `fingerprint`.
    static func trailer(_ fingerprint: String) -> [UInt8] {
        linePrefix + Array(fingerprint.utf8) + lineSuffix
    }

    /// The fingerprint `plan`'s file has (the plan's own `fingerprint` field is not read).
    package static func of(_ plan: Plan) -> String {
        var hasher = Hasher()
        PlanFile.stream(plan, fingerprint: nil) { hasher.update($0) }
        return hasher.finalize()
    }

    /// Where the covered bytes of a plan file end, and the fingerprint its last line records;
    /// nil when the file does not end with a well-formed fingerprint line.
    static func recorded(in file: UnsafeRawBufferPointer) -> (coveredCount: Int, fingerprint: String)? {
        guard file.count >= trailerLength else { return nil }
        let start = file.count - trailerLength
        let value = start + linePrefix.count
        guard file[start..<value].elementsEqual(linePrefix),
            file[(value + length)...].elementsEqual(lineSuffix),
            file[value..<(value + 7)].elementsEqual("sha256:".utf8),
            file[(value + 7)..<(value + length)].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
            )
        else { return nil }
        return (start, String(decoding: file[value..<(value + length)], as: UTF8.self))
    }

    /// SHA-256 over bytes given in pieces, written as a fingerprint.
    struct Hasher {
        private var sha256 = SHA256()

        mutating func update(_ bytes: [UInt8]) {
            sha256.update(data: bytes)
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            sha256.update(bufferPointer: bytes)
        }

        func finalize() -> String {
            "sha256:" + sha256.finalize().hexString
        }
    }
}
