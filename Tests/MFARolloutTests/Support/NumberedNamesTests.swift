import Testing

@testable import MFARollout

@Suite("NumberedNames: names numbered in first-seen order")
struct NumberedNamesTests {
    @Test("a new name gets the next number, a known one keeps its number")
    func numbering() {
        var names = NumberedNames()
        #expect(names.number(of: "user_id") == 0)
        #expect(names.number(of: "email") == 1)
        #expect(names.number(of: "user_id") == 0)
        #expect(names.number(of: "") == 2)
        #expect(names.names == ["user_id", "email", ""])
        #expect(names.name(1) == "email")
    }
}
