import Testing

@testable import MFARollout

@Suite("HTMLText: text as HTML that shows what it holds")
struct HTMLTextTests {
    @Test("HTML: markup escaped, escapable characters in a highlighted span")
    func html() {
        #expect(HTMLText.visible("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
        #expect(
            HTMLText.visible("a\u{202E}b")
                == #"a<span class="esc" title="U+202E">\u202e</span>b"#)
    }
}
