/// Names numbered 0, 1, 2… in the order they were first seen: the columns a policy reads
/// (each name's number is its slot in a row's values), the object keys of the emulator's
/// packed users.
package struct NumberedNames: Sendable {
    /// Every name, in the order numbered.
    package private(set) var names: [String] = []
    private var numbers: [String: Int] = [:]

    package init() {}

    /// The number of `name`, adding it when new.
    package mutating func number(of name: String) -> Int {
        if let number = numbers[name] { return number }
        names.append(name)
        numbers[name] = names.count - 1
        return names.count - 1
    }

    /// The name numbered `number`.
    package func name(_ number: Int) -> String { names[number] }
}
