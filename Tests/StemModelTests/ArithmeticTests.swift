import Testing
@testable import StemModel

@Suite struct ArithmeticTests {
    @Test func roundShiftMatchesTheSpecExamples() {
        #expect(roundShift(5, by: 1) == 3)
        #expect(roundShift(-5, by: 1) == -2)
        #expect(roundShift(-3, by: 1) == -1)
        #expect(roundShift(-1, by: 1) == 0)
        #expect(roundShift(-6, by: 2) == -1)
        #expect(roundShift(-7, by: 2) == -2)
        #expect(roundShift(6, by: 2) == 2)
        #expect(roundShift(-2, by: 2) == 0)  // -0.5 rounds up to 0
        #expect(roundShift(-123, by: 0) == -123)
    }

    @Test func roundShiftIsFloorOfHalfUp() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let s = Int.random(in: 0...40, using: &generator)
            let a = Int64.random(in: -(1 << 50)...(1 << 50), using: &generator) >> Int.random(in: 0...50, using: &generator)
            #expect(roundShift(a, by: s) == floorRoundShift(a, s), "a=\(a) s=\(s)")
        }
        // Extremes the model reaches: |V * m| < 2^63.
        let big = Int64(1) << 62
        for s in 1...62 {
            #expect(roundShift(big, by: s) == floorRoundShift(big, s))
            #expect(roundShift(-big, by: s) == floorRoundShift(-big, s))
        }
    }

    @Test func fitWrapsAndSaturates() {
        // accumulatorBits 8: -128...127
        #expect(fit(127, bits: 8, mode: .wrap) == (127, false))
        #expect(fit(-128, bits: 8, mode: .wrap) == (-128, false))
        #expect(fit(128, bits: 8, mode: .wrap) == (-128, true))
        #expect(fit(-129, bits: 8, mode: .wrap) == (127, true))
        #expect(fit(300, bits: 8, mode: .wrap) == (44, true))
        #expect(fit(-300, bits: 8, mode: .wrap) == (-44, true))
        #expect(fit(256, bits: 8, mode: .wrap) == (0, true))
        #expect(fit(128, bits: 8, mode: .saturate) == (127, true))
        #expect(fit(-129, bits: 8, mode: .saturate) == (-128, true))
        #expect(fit(100, bits: 8, mode: .saturate) == (100, false))
        #expect(fit(Int64(1) << 47, bits: 48, mode: .wrap) == (-(Int64(1) << 47), true))
        #expect(fit(-(Int64(1) << 47), bits: 48, mode: .saturate) == (-(Int64(1) << 47), false))
        #expect(fit(2, bits: 2, mode: .wrap) == (-2, true))
    }

    @Test func fitWrapIsTheModularDefinition() {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<5_000 {
            let A = Int.random(in: 2...48, using: &generator)
            let v = Int64.random(in: -(1 << 52)...(1 << 52), using: &generator)
            let half = Int64(1) << (A - 1)
            let modulus = Int64(1) << A
            var m = (v + half) % modulus
            if m < 0 { m += modulus }
            let expected = m - half
            #expect(fit(v, bits: A, mode: .wrap) == (expected, expected != v))
        }
    }

    @Test func rotRoundsAndClampsAtTheTop() {
        // B = 8, r = 2: multiples of 4, at most 252.
        #expect(rot(255, factor: 2, timeSteps: 8) == 252)  // rounding up would need 256
        #expect(rot(254, factor: 2, timeSteps: 8) == 252)
        #expect(rot(253, factor: 2, timeSteps: 8) == 252)
        #expect(rot(250, factor: 2, timeSteps: 8) == 252)  // 62.5 rounds up to 63
        #expect(rot(249, factor: 2, timeSteps: 8) == 248)
        #expect(rot(6, factor: 2, timeSteps: 8) == 8)
        #expect(rot(5, factor: 2, timeSteps: 8) == 4)
        #expect(rot(1, factor: 2, timeSteps: 8) == 0)
        #expect(rot(2, factor: 2, timeSteps: 8) == 4)
        #expect(rot(0, factor: 2, timeSteps: 8) == 0)
        #expect(rot(3, factor: 1, timeSteps: 2) == 2)  // B=2, r=1: top is 2
        #expect(rot(173, factor: 0, timeSteps: 8) == 173)
    }

    @Test func drloKeepsTheMostSignificantOnes() {
        #expect(drlo(0b1011_0110, keep: 2) == 0b1010_0000)
        #expect(drlo(0b1011_0110, keep: 1) == 0b1000_0000)
        #expect(drlo(0b1011_0110, keep: 5) == 0b1011_0110)  // popcount 5
        #expect(drlo(0b1011_0110, keep: 8) == 0b1011_0110)
        #expect(drlo(0b1011_0110, keep: 0) == 0b1011_0110)  // off
        #expect(drlo(0, keep: 3) == 0)
    }

    @Test func bitsNeededIsTheSmallestHoldingWidth() {
        #expect(bitsNeeded(0) == 1)
        #expect(bitsNeeded(-1) == 1)
        #expect(bitsNeeded(1) == 2)
        #expect(bitsNeeded(127) == 8)
        #expect(bitsNeeded(128) == 9)
        #expect(bitsNeeded(-128) == 8)
        #expect(bitsNeeded(-129) == 9)
        for A in 2...48 {
            let range = signedRange(bits: A)
            #expect(bitsNeeded(range.upperBound) == A)
            #expect(bitsNeeded(range.lowerBound) == A)
            #expect(bitsNeeded(range.upperBound + 1) == A + 1)
            #expect(bitsNeeded(range.lowerBound - 1) == A + 1)
        }
    }

    @Test func argmaxTakesTheLowestIndexOnTies() {
        #expect(argmax([3, 5, 5, 1]) == 1)
        #expect(argmax([7, 7, 7]) == 0)
        #expect(argmax([0, 0, 9, 9]) == 2)
        #expect(argmax([4]) == 0)
        #expect(argmax([]) == -1)
    }

    @Test func clampActivationIsReLUAndSaturation() {
        #expect(clampActivation(-5, timeSteps: 8) == 0)
        #expect(clampActivation(300, timeSteps: 8) == 255)
        #expect(clampActivation(17, timeSteps: 8) == 17)
        #expect(clampActivation(4, timeSteps: 2) == 3)
    }
}
