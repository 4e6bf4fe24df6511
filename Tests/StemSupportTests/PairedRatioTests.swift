import Testing
@testable import StemSupport

@Suite struct PairedRatioTests {
    @Test func theMedianOfAnOddNumberOfPairsIsTheMiddleRatio() {
        // Ratios 2, 0.5, 1, 4, 1.5 (unsorted, as timed).
        let ratio = PairedRatio(pairs: [(2, 1), (1, 2), (3, 3), (8, 2), (3, 2)])
        #expect(ratio.ratios == [0.5, 1, 1.5, 2, 4])
        #expect(ratio.median == 1.5)
        #expect(ratio.minimum == 0.5 && ratio.maximum == 4)
        #expect(ratio.lowerQuartile == 1 && ratio.upperQuartile == 2)
        #expect(ratio.text(places: 2) == "1.50 (median of 5 pairs; quartiles 1.00...2.00, range 0.50...4.00)")
    }

    @Test func theMedianOfAnEvenNumberOfPairsIsTheMeanOfTheMiddleTwo() {
        let ratio = PairedRatio(pairs: [(1, 1), (3, 1), (2, 1), (10, 1)])
        #expect(ratio.median == 2.5)
        // Positions 0.75 and 2.25 of [1, 2, 3, 10].
        #expect(ratio.lowerQuartile == 1.75)
        #expect(ratio.upperQuartile == 4.75)
    }

    @Test func onePairIsItsOwnMedianAndSpread() {
        let ratio = PairedRatio(pairs: [(a: 0.9, b: 1.2)])
        #expect(ratio.median == 0.9 / 1.2 && ratio.minimum == ratio.maximum && ratio.lowerQuartile == ratio.median)
        #expect(ratio.text(places: 3) == "0.750 (median of 1 pair; quartiles 0.750...0.750, range 0.750...0.750)")
    }

    /// The machine's speed drifts from pair to pair, and one run of side B is twice as fast
    /// as it should be (a quiet moment): the median of the pairs stays at A's 0.8 of B, the
    /// best-of-each-side ratio falls to 0.59.
    @Test func theMedianHoldsWhileTheMachineDrifts() {
        var pairs: [(a: Double, b: Double)] = []
        for round in 0..<9 {
            let speed = 1.0 - 0.08 * Double(round)
            pairs.append((0.8 * speed, round == 4 ? 2 * speed : speed))
        }
        let ratio = PairedRatio(pairs: pairs)
        #expect(abs(ratio.median - 0.8) < 1e-12)
        #expect(abs(ratio.upperQuartile - 0.8) < 1e-12)
        #expect(abs(ratio.minimum - 0.4) < 1e-12)
        let bestOf = pairs.map(\.a).max()! / pairs.map(\.b).max()!
        #expect(abs(bestOf - 0.8 / 1.36) < 1e-12)  // 0.59
    }
}
