// A toy package for the bridge tests: compiled first (HardwareLayout.leadingRTLFiles).
package toy_pkg;
  localparam logic [31:0] ToyMagic = 32'h70C0FFEE;
endpackage
