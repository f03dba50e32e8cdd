/// Draws, per Management API request and in arrival order, whether to misbehave. The
/// generator is SplitMix64 seeded with ``FaultConfiguration/seed``: the same seed and the same
/// sequence of requests give the same faults.
actor FaultInjection {
    /// What happens to one request.
    enum Fault: Sendable, Equatable {
        case none
        /// Close the connection before doing anything.
        case drop
        /// Answer this 5xx status without doing anything.
        case fail(Int)
        /// Carry out the request (a PATCH), then close the connection without answering.
        case dropAfterWrite
    }

    private let configuration: FaultConfiguration
    private var random: SplitMix64

    init(configuration: FaultConfiguration) {
        self.configuration = configuration
        self.random = SplitMix64(seed: configuration.seed)
    }

    /// Always takes four draws, so one request's kind never shifts the faults of the next.
    func draw(isPatch: Bool) -> Fault {
        let drop = random.nextUnit()
        let fail = random.nextUnit()
        let failStatus = [500, 502, 503][Int(random.next() % 3)]
        let dropAfterWrite = random.nextUnit()
        if drop < configuration.dropRate { return .drop }
        if fail < configuration.failRate { return .fail(failStatus) }
        if isPatch, dropAfterWrite < configuration.dropAfterWriteRate { return .dropAfterWrite }
        return .none
    }

    var latencyMilliseconds: Int { configuration.latencyMilliseconds }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable, good enough for fault draws and
/// generated users.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
