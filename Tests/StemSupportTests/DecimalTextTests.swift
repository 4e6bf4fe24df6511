import Testing
import StemSupport

@Suite struct DecimalTextTests {
    @Test func writesExactlyThePlacesAskedFor() {
        #expect(decimalText(97.5, places: 2) == "97.50")
        #expect(decimalText(-0.125, places: 3) == "-0.125")
        #expect(decimalText(2.0 / 3.0, places: 4) == "0.6667")
        #expect(decimalText(-2.5, places: 0) == "-3")
        #expect(decimalText(0.004, places: 2) == "0.00")
        #expect(decimalText(1e300, places: 2) == String(1e300))
    }
}
