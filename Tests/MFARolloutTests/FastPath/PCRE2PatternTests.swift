import Dispatch
import Foundation
import Testing

@testable import MFARollout

/// PCRE2 (the planner's regex engine) against Swift `Regex` (the reference) on the patterns
/// policies use, and on values where the two syntaxes mean the same.
@Suite("policy regexes: PCRE2 against Swift Regex")
struct PCRE2PatternTests {
    static let patterns = [
        "^(auth0|samlp)\\|", "@example\\.com$", "(?i)^ADMIN", "\\d{3,}", "^[a-z]+\\.[a-z]+@", "contractor|vendor",
        "^$", "", "a*", "^.{5}$", "[^@]+@[^@]+", "\\bops\\b", "(?i)straße", "é", "\\w+@\\w+", "^\\s*$", "x(?=y)",
        "(ab)+c", "^auth0\\|[0-9a-f]{24}$", "\\.(edu|gov)$", "[[:alpha:]]+", "\\p{L}{3}", "(?:^|,)admin(?:,|$)",
    ]
    static let values = [
        "", "auth0|5f7c8ec7c33c6c004bbafe82", "samlp|acme|jane@example.com", "jane@example.com", "ADMIN-1",
        "admin", "12", "123456", "jo.smith@corp.com", "contractor", "a vendor here", "     ", "\t", "abcde", "abcdef",
        "ops team", "devops", "straße", "Straße", "café", "cafe", "xy", "xz", "ababc", "uni.edu", "x.gov",
        "über", "日本語です", "emoji 😀@x", "a,admin,b", "admin,b", "badmin", "Ωmega@ΩΩ",
    ]

    @Test("every pattern decides every value as Swift Regex does", arguments: patterns)
    func sameAsSwiftRegex(pattern: String) throws {
        let fast = try PCRE2Pattern(pattern)
        let reference = try SwiftRegexPattern(pattern)
        for value in Self.values {
            #expect(fast.matches(value) == reference.matches(value), "\(pattern) on \(value)")
            var bytes = value
            let fromBytes = bytes.withUTF8 { fast.matches($0) }
            #expect(fromBytes == reference.matches(value), "\(pattern) on the bytes of \(value)")
        }
    }

    @Test("the JIT compiles the patterns on this machine")
    func jit() throws {
        #expect(try PCRE2Pattern("^(auth0|samlp)\\|").isJITCompiled)
    }

    @Test(
        "a pattern that does not compile says why and where",
        arguments: ["(", "a{2,1}", "[z-a]", "\\", "(?<n>a)(?<n>b)"])
    func badPatterns(pattern: String) {
        #expect(throws: PCRE2Pattern.CompileError.self) { try PCRE2Pattern(pattern) }
        do {
            _ = try PCRE2Pattern(pattern)
        } catch {
            #expect(!error.message.isEmpty)
            #expect(error.description.contains("at character"))
        }
    }

    @Test("one pattern matched from many threads at once answers each as alone (the spare match block is shared)")
    func concurrentMatches() throws {
        let pattern = try PCRE2Pattern("^[a-z]+\\.[a-z]+@")
        let reference = try SwiftRegexPattern("^[a-z]+\\.[a-z]+@")
        let expected = Self.values.map { reference.matches($0) }
        let values = Self.values
        let wrong = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<2_000 {
                let index = (thread + round) % values.count
                if pattern.matches(values[index]) != expected[index] { wrong.add() }
            }
        }
        #expect(wrong.value == 0)
    }

    /// A count several threads add to.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    @Test("bytes that are not UTF-8 match nothing, and do not stop a match elsewhere in the value")
    func invalidUTF8() throws {
        let any = try PCRE2Pattern("x")
        let bytes: [UInt8] = [0xFF, 0xFE, UInt8(ascii: "x")]
        #expect(bytes.withUnsafeBufferPointer { any.matches($0) })
        let dot = try PCRE2Pattern("^.$")
        #expect(![UInt8]([0xFF]).withUnsafeBufferPointer { dot.matches($0) })
    }
}
