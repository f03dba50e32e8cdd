/// Percent-encoding of one URL path segment (a user id, a job id).
///
/// Everything except RFC 3986 "unreserved" characters (`A-Z a-z 0-9 - . _ ~`) is encoded as
/// UTF-8 `%XX` with uppercase hex. So `|` becomes `%7C`, `/` becomes `%2F` (the id stays one
/// segment) and `@` becomes `%40`.
///
/// Why `@` is encoded: node-auth0 builds paths with `encodeURIComponent`, which encodes `@`;
/// go-auth0's `url.PathEscape` leaves it. Both forms name the same resource, because the
/// server decodes the segment; encoding it is the stricter choice and matches node-auth0.
package enum PathEncoding {
    /// Encodes `value` as a single path segment.
    package static func encodeSegment(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if isUnreserved(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result.append("%")
                result.append(hexDigits[Int(byte >> 4)])
                result.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return result
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
