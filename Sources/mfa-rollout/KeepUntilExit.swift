/// Keeps `value` from being freed: the process is about to exit, which returns all of its
/// memory at once. Freeing a large plan piece by piece first (a string or two for each of a
/// few hundred thousand operations) would only delay the exit, by 16 ms for 259,252
/// operations in the benchmark.
func keepUntilExit<Value>(_ value: Value) {
    _ = Unmanaged.passRetained(Kept(value))
}

private final class Kept<Value> {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
