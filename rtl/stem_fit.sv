// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_fit: fit(v) of docs/stem-spec.md. Brings a signed InW-bit value into the signed
// OutW-bit range, by wrapping (keep the low OutW bits) or by saturating (clamp), and flags
// an overflow event when the result differs from the argument.

module stem_fit #(
  parameter int unsigned InW      = 17,
  parameter int unsigned OutW     = 16,
  parameter int unsigned Saturate = 0
) (
  input  logic signed [InW-1:0]  v_i,
  output logic signed [OutW-1:0] y_o,
  output logic                   ovf_o
);

  if (InW <= OutW) begin : g_fits
    // Every InW-bit value is representable: nothing to do.
    assign y_o   = OutW'(v_i);
    assign ovf_o = 1'b0;
  end else begin : g_narrow
    logic signed [OutW-1:0] low;
    logic                   fits;

    assign low  = v_i[OutW-1:0];
    // v fits iff the bits above the result are all copies of its sign bit.
    assign fits = (v_i[InW-1:OutW-1] == {(InW-OutW+1){v_i[OutW-1]}});

    if (Saturate != 0) begin : g_saturate
      always_comb begin
        if (fits) begin
          y_o = low;
        end else if (v_i[InW-1]) begin
          y_o = {1'b1, {(OutW-1){1'b0}}};  // most negative
        end else begin
          y_o = {1'b0, {(OutW-1){1'b1}}};  // most positive
        end
      end
    end else begin : g_wrap
      assign y_o = low;
    end
    assign ovf_o = ~fits;
  end

endmodule
