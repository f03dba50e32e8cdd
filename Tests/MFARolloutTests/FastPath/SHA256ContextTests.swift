import Crypto
import Testing

@testable import MFARollout

@Suite("SHA256Context: the allocation-free SHA-256 behind rollout buckets and operation ids")
struct SHA256ContextTests {
    private func digest(_ bytes: [UInt8], splitAt split: Int? = nil) -> [UInt8] {
        var context = SHA256Context()
        bytes.withUnsafeBufferPointer { all in
            if let split {
                context.update(UnsafeBufferPointer(rebasing: all[..<split]))
                context.update(UnsafeBufferPointer(rebasing: all[split...]))
            } else {
                context.update(all)
            }
        }
        return context.withDigest { Array($0) }
    }

    /// FIPS 180-2's examples.
    @Test func knownAnswers() {
        #expect(digest([]).hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            digest(Array("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hexString
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func agreesWithSwiftCryptoAcrossBlockBoundaries() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let expected = Array(SHA256.hash(data: bytes))
            #expect(digest(bytes) == expected, "length \(length)")
            #expect(digest(bytes, splitAt: length / 3) == expected, "length \(length), split")
        }
    }

    @Test func aPrefixStateCanBeFinalisedAndExtendedAgain() {
        var prefix = SHA256Context()
        Array("salt:".utf8).withUnsafeBufferPointer { prefix.update($0) }
        let first = prefix.withDigest { Array($0) }
        #expect(first == Array(SHA256.hash(data: Array("salt:".utf8))))
        #expect(prefix.withDigest { Array($0) } == first)
        var extended = prefix
        Array("auth0|1".utf8).withUnsafeBufferPointer { extended.update($0) }
        #expect(extended.withDigest { Array($0) } == Array(SHA256.hash(data: Array("salt:auth0|1".utf8))))
        #expect(prefix.withDigest { Array($0) } == first)
    }
}
