import Testing

@testable import MFARollout

/// SipHash-1-3 with 128-bit output, written plainly from the SipHash paper (one byte at a
/// time into the message word), to check the reader's word-at-a-time version against.
private func referenceSipHash13x128(_ bytes: [UInt8], key: (UInt64, UInt64)) -> (UInt64, UInt64) {
    var v0: UInt64 = 0x736F_6D65_7073_6575 ^ key.0
    var v1: UInt64 = 0x646F_7261_6E64_6F6D ^ key.1
    var v2: UInt64 = 0x6C79_6765_6E65_7261 ^ key.0
    var v3: UInt64 = 0x7465_6462_7974_6573 ^ key.1
    v1 ^= 0xEE  // 128-bit output
    func rotate(_ x: UInt64, _ by: UInt64) -> UInt64 { (x << by) | (x >> (64 - by)) }
    func sipRound() {
        v0 = v0 &+ v1
        v1 = rotate(v1, 13)
        v1 ^= v0
        v0 = rotate(v0, 32)
        v2 = v2 &+ v3
        v3 = rotate(v3, 16)
        v3 ^= v2
        v0 = v0 &+ v3
        v3 = rotate(v3, 21)
        v3 ^= v0
        v2 = v2 &+ v1
        v1 = rotate(v1, 17)
        v1 ^= v2
        v2 = rotate(v2, 32)
    }
    func compress(_ word: UInt64) {
        v3 ^= word
        sipRound()
        v0 ^= word
    }
    let wholeWords = bytes.count / 8
    for w in 0..<wholeWords {
        var word: UInt64 = 0
        for i in 0..<8 { word |= UInt64(bytes[w * 8 + i]) << UInt64(8 * i) }
        compress(word)
    }
    var last = UInt64(bytes.count & 0xFF) << 56
    for (i, byte) in bytes[(wholeWords * 8)...].enumerated() { last |= UInt64(byte) << UInt64(8 * i) }
    compress(last)
    v2 ^= 0xEE
    for _ in 0..<3 { sipRound() }
    let first = v0 ^ v1 ^ v2 ^ v3
    v1 ^= 0xDD
    for _ in 0..<3 { sipRound() }
    return (first, v0 ^ v1 ^ v2 ^ v3)
}

@Suite struct UserIDFingerprintTests {
    /// Every length from empty to past eight words, so that each tail length (0 to 7 bytes
    /// after the whole words) is read both ways: byte by byte under 8 bytes, and as the high
    /// bytes of the input's last word above.
    @Test func matchesReferenceSipHashAtEveryLength() {
        let key: (UInt64, UInt64) = (0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908)
        let text = Array("google-oauth2|902367226239900038623/auth0|23b1612dd272d1371c17149d\u{e9}'\"".utf8)
        for length in 0...text.count {
            let input = Array(text[..<length])
            let expected = referenceSipHash13x128(input, key: key)
            let fingerprint = input.withUnsafeBytes { UserIDFingerprint($0, key: key) }
            #expect(fingerprint.high == expected.0 && fingerprint.low == expected.1, "length \(length)")
        }
    }

}
