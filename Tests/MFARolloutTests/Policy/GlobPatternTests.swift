import Testing

@testable import MFARollout

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Glob patterns of only * and literals, against fnmatch")
struct GlobPatternTests {
    /// Every pattern over {a, b, *} up to 6 characters against every value over {a, b} up to
    /// 6 characters (about 1,100 patterns by 127 values): the same answer as `fnmatch` with
    /// flags 0. Small alphabets make the overlaps, repeats and backtracking cases that decide
    /// whether the earliest-match search is right.
    @Test func agreesWithFnmatchExhaustively() {
        func words(_ alphabet: [Character], upTo length: Int) -> [String] {
            var all = [""]
            var level = [""]
            for _ in 0..<length {
                level = level.flatMap { word in alphabet.map { word + String($0) } }
                all += level
            }
            return all
        }
        let patterns = words(["a", "b", "*"], upTo: 6).filter { !$0.isEmpty }
        let values = words(["a", "b"], upTo: 6)
        var disagreements: [String] = []
        for pattern in patterns {
            for value in values where disagreements.count < 10 {
                let expected = fnmatch(pattern, value, 0) == 0
                if fast(pattern, value) != expected {
                    disagreements.append("\(pattern) ~ \(value): fnmatch says \(expected)")
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
    }

    /// Literals that are not ASCII, characters special to paths (`/`, a leading `.`), and a
    /// value with a NUL (C sees it end there).
    @Test func agreesWithFnmatchOnTheEdges() {
        let cases: [(String, [UInt8])] = [
            ("*+test@*", Array("kofi+test@acme.com".utf8)), ("*+test@*", Array("kofi@acme.com".utf8)),
            ("*/*", Array("a/b".utf8)), ("*", Array(".hidden".utf8)), ("*b", Array("/b".utf8)),
            ("Zo*日本", Array("Zoë 日本".utf8)), ("*ë*", Array("Zoë".utf8)), ("*ë*", Array("Zoe".utf8)),
            ("a*", [0x61, 0x00, 0x62]), ("a*b", [0x61, 0x00, 0x62]), ("a", [0x61, 0x00]), ("*", []),
        ]
        for (pattern, value) in cases {
            let expected = (value.prefix { $0 != 0 } + [0]).withUnsafeBufferPointer { text in
                text.withMemoryRebound(to: CChar.self) { fnmatch(pattern, $0.baseAddress!, 0) == 0 }
            }
            let got = value.withUnsafeBufferPointer { value in
                Array(pattern.utf8).withUnsafeBufferPointer { GlobPattern.matchStarsAndLiterals($0, value) }
            }
            #expect(got == expected, "\(pattern) ~ \(value)")
        }
    }

    @Test func onlyStarsAndLiteralsTakeTheFastPath() throws {
        #expect(try GlobPattern.compile("*+test@*").get().isStarsAndLiterals)
        #expect(try !GlobPattern.compile("a?").get().isStarsAndLiterals)
        #expect(try !GlobPattern.compile("[ab]*").get().isStarsAndLiterals)
        #expect(try !GlobPattern.compile("\\*").get().isStarsAndLiterals)
    }

    private func fast(_ pattern: String, _ value: String) -> Bool {
        Array(value.utf8).withUnsafeBufferPointer { value in
            Array(pattern.utf8).withUnsafeBufferPointer { GlobPattern.matchStarsAndLiterals($0, value) }
        }
    }
}
