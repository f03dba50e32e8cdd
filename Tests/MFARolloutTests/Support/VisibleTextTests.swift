import Foundation
import Testing

@testable import MFARollout

@Suite("VisibleText: what would act or hide is shown")
struct VisibleTextTests {
    @Test("controls, bidi, zero-width, separators, noncharacters and tags are escaped; text is not")
    func escapes() {
        #expect(VisibleText.escaped("plain ascii @|-_.") == "plain ascii @|-_.")
        #expect(VisibleText.escaped("Zoë 日本 🚀") == "Zoë 日本 🚀")
        #expect(VisibleText.escaped("\u{1B}]0;title\u{07}") == #"\u001b]0;title\u0007"#)
        #expect(VisibleText.escaped("a\nb\tc\rd") == #"a\nb\tc\rd"#)
        #expect(VisibleText.escaped("\u{0}\u{7F}\u{9B}") == #"\u0000\u007f\u009b"#)
        #expect(VisibleText.escaped("admin\u{202E}moc.live@corp.com") == #"admin\u202emoc.live@corp.com"#)
        #expect(
            VisibleText.escaped("a\u{200B}b\u{200D}c\u{2066}d\u{FEFF}e\u{AD}f")
                == #"a\u200bb\u200dc\u2066d\ufeffe\u00adf"#)
        let nonCharacters = String(String.UnicodeScalarView([0xFDD0, 0xFFFF].compactMap(Unicode.Scalar.init)))
        #expect(VisibleText.escaped("\u{2028}\u{2029}" + nonCharacters) == #"\u2028\u2029\ufdd0\uffff"#)
        // Beyond the first plane: a surrogate pair, as a JSON string escape spells it.
        #expect(VisibleText.escaped("tag\u{E0041}") == #"tag\udb40\udc41"#)
    }

    @Test("a block keeps its line ends and tabs; everything else is escaped")
    func blocks() {
        #expect(VisibleText.escapedKeepingLines("a\tb\nc\u{1B}[2J\r") == "a\tb\nc\\u001b[2J\\r")
    }

    @Test("invisible characters are told from controls; any escapable one is found")
    func detection() {
        #expect(VisibleText.containsInvisible("x\u{202E}y"))
        #expect(!VisibleText.containsInvisible("x\u{1B}y"))
        #expect(VisibleText.containsEscapable("x\u{1B}y"))
        #expect(!VisibleText.containsEscapable("Zoë"))
    }

    @Test("escaped text is valid inside a JSON string and decodes to the original")
    func jsonCompatible() throws {
        let original = "a\u{202E}b\u{1B}c\u{E0041}d\"e"
        let json = "\"" + VisibleText.escaped(original).replacingOccurrences(of: "\"", with: "\\\"") + "\""
        let decoded = try JSONDecoder().decode(String.self, from: Data(json.utf8))
        #expect(decoded == original)
    }
}
