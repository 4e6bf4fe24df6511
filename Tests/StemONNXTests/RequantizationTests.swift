import Foundation
import StemModel
import Testing
@testable import StemONNX

@Suite struct RequantizationTests {
    @Test func powersOfTwoAreExact() throws {
        let quarter = try Requantization(ratio: 0.25)
        #expect(quarter.multiplier == 32768 && quarter.postShift == 17 && quarter.relativeError == 0)
        let one = try Requantization(ratio: 1)
        #expect(one.multiplier == 32768 && one.postShift == 15)
    }

    /// m = round(ratio * 2^n) with the largest n whose m fits 16 bits: m in 32768...65535 and
    /// |m - ratio*2^n| <= 1/2.
    @Test func roundsToSixteenSignificantBits() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let ratio = pow(2, Double.random(in: -40...10, using: &generator))
            let rq = try Requantization(ratio: ratio)
            #expect((32768...65535).contains(rq.multiplier))
            #expect(abs(Double(rq.multiplier) - ratio * pow(2, Double(rq.postShift))) <= 0.5)
            #expect(rq.relativeError <= 1.0 / 65536)
        }
    }

    @Test func largeRatiosUseShiftZero() throws {
        let rq = try Requantization(ratio: 60000.4)
        #expect(rq.multiplier == 60000 && rq.postShift == 0)
    }

    @Test func outOfRange() {
        for ratio in [70000.0, 1e-25, 0, -1, .nan, .infinity] {
            #expect(throws: ReasonError.self) { try Requantization(ratio: ratio) }
        }
    }
}
