import Testing

@testable import Rollout

@Suite("apply: requests in flight by Little's law")
struct InFlightSizingTests {
    @Test("rate × measured latency, with half more and one, within the ceiling")
    func littlesLaw() {
        var sizing = InFlightSizing(ceiling: 32, rate: 200)
        #expect(sizing.target == 32, "the ceiling until a round trip is measured")
        sizing.observe(roundTrip: 0.1)
        // 200/s × 0.1 s = 20; × 1.5 = 30; + 1.
        #expect(sizing.target == 31)
        var slow = InFlightSizing(ceiling: 32, rate: 16)
        slow.observe(roundTrip: 0.1)
        #expect(slow.target == 4)
        var capped = InFlightSizing(ceiling: 8, rate: 200)
        capped.observe(roundTrip: 0.1)
        #expect(capped.target == 8)
        var loopback = InFlightSizing(ceiling: 32, rate: 200)
        loopback.observe(roundTrip: 0.001)
        #expect(loopback.target == 2)
    }

    @Test("latency is smoothed: one slow answer moves the target a little, a slower network moves it all the way")
    func smoothing() {
        var sizing = InFlightSizing(ceiling: 256, rate: 100)
        sizing.observe(roundTrip: 0.1)
        let before = sizing.target
        sizing.observe(roundTrip: 1.0)
        #expect(sizing.target > before)
        #expect(sizing.target < 100)
        for _ in 0..<200 { sizing.observe(roundTrip: 0.4) }
        #expect(sizing.target == 61)
    }

    @Test("without a rate limiter, or with nonsense measurements, the ceiling and the last good latency hold")
    func edges() {
        var unpaced = InFlightSizing(ceiling: 12, rate: nil)
        unpaced.observe(roundTrip: 0.1)
        #expect(unpaced.target == 12)
        var sizing = InFlightSizing(ceiling: 32, rate: 200)
        sizing.observe(roundTrip: 0.1)
        sizing.observe(roundTrip: .nan)
        sizing.observe(roundTrip: -1)
        #expect(sizing.target == 31)
        #expect(InFlightSizing(ceiling: 0, rate: 10).ceiling == 1)
    }
}
