import CLibPCRE2
import Synchronization

/// A `matches:` pattern compiled by PCRE2, with its JIT where the platform has one: what the
/// planner runs on every row's value, from the value's bytes (no `String` is made).
///
/// Syntax: PCRE2's (Perl-compatible), in UTF mode with Unicode properties (`\w`, `\d`, `\s`
/// and case-insensitive matching know Unicode letters, `.` is one code point), searched for
/// anywhere in the value. Bytes that are not UTF-8 match nothing (they are not decoded with
/// replacement characters). ``SwiftRegexPattern`` is the reference the tests compare it with.
final class PCRE2Pattern: @unchecked Sendable {
    // The compiled code is read-only once made: PCRE2 documents it as safe to share between
    // threads; each match gets its own match data.
    private let code: OpaquePointer
    /// Whether the JIT compiled the pattern (else PCRE2's interpreter runs it).
    let isJITCompiled: Bool
    /// A match data block kept for the next match (its address; 0 for none). Planning matches
    /// row after row on one thread, and making and freeing a block each time cost more than
    /// many matches; taken and given back atomically, so matches on other threads at the same
    /// moment make their own.
    private let spare = Atomic<UInt>(0)

    /// Why a pattern did not compile: PCRE2's message, and the byte offset in the pattern.
    struct CompileError: Error, CustomStringConvertible {
        var message: String
        var offset: Int

        var description: String { "\(message) (at character \(offset + 1))" }
    }

    static let compileOptions = UInt32(PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF)

    init(_ pattern: String) throws(CompileError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        var text = pattern
        let compiled = text.withUTF8 { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, Self.compileOptions, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let length = buffer.withUnsafeMutableBufferPointer {
                pcre2_get_error_message_8(errorCode, $0.baseAddress, $0.count)
            }
            let message = String(decoding: buffer.prefix(max(0, Int(length))), as: UTF8.self)
            throw CompileError(message: message, offset: errorOffset)
        }
        code = compiled
        isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    deinit {
        if let data = OpaquePointer(bitPattern: spare.load(ordering: .acquiring)) { pcre2_match_data_free_8(data) }
        pcre2_code_free_8(code)
    }

    /// Whether the pattern matches anywhere in the UTF-8 `value`.
    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard
            let data = OpaquePointer(bitPattern: spare.exchange(0, ordering: .acquiring))
                ?? pcre2_match_data_create_from_pattern_8(code, nil)
        else {
            fatalError("out of memory matching a policy pattern")
        }
        defer {
            if !spare.compareExchange(expected: 0, desired: UInt(bitPattern: data), ordering: .releasing).exchanged {
                pcre2_match_data_free_8(data)
            }
        }
        // An empty value has no base address; PCRE2 needs one.
        let empty: UInt8 = 0
        return withUnsafePointer(to: empty) { fallback in
            pcre2_match_8(code, value.baseAddress ?? fallback, value.count, 0, 0, data, nil) >= 0
        }
    }

    /// Whether the pattern matches anywhere in `value`.
    func matches(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { matches($0) }
    }
}
