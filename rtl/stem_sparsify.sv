// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_sparsify: the optional sparsification of an output value (docs/stem-spec.md,
// section 6), in this order:
//   RoT  (r > 0): y = min(round_shift(y, r) * 2^r, ((2^B - 1) >> r) << r)
//   DRLO (K > 0): keep only the K most significant 1-bits of y.

`include "stem_pkg.sv"

module stem_sparsify #(
  parameter int unsigned TimeSteps = 8
) (
  input  logic [TimeSteps-1:0]          y_i,
  input  logic [stem_pkg::RotW-1:0]     rot_i,
  input  logic [stem_pkg::DrloW-1:0]    drlo_i,
  output logic [TimeSteps-1:0]          y_o
);

  // Room for round_shift(y, r) << r also when r >= B (then the cap below is 0).
  localparam int unsigned WideW = TimeSteps + (1 << stem_pkg::RotW) + 1;

  logic [WideW-1:0]     y_wide;
  logic [WideW-1:0]     pre;
  logic [WideW-1:0]     rounded;
  logic [WideW-1:0]     cap;
  logic [TimeSteps-1:0] y_rot;
  logic [stem_pkg::DrloW:0] kept;

  // RoT: y is unsigned, so round_shift is ((y >> (r-1)) + 1) >> 1 on logical shifts.
  assign y_wide  = WideW'(y_i);
  assign pre     = y_wide >> (rot_i - stem_pkg::RotW'(1));
  assign rounded = ((pre + WideW'(1)) >> 1) << rot_i;
  assign cap     = ((WideW'({TimeSteps{1'b1}})) >> rot_i) << rot_i;

  always_comb begin
    if (rot_i == '0) begin
      y_rot = y_i;
    end else if (rounded > cap) begin
      y_rot = cap[TimeSteps-1:0];
    end else begin
      y_rot = rounded[TimeSteps-1:0];
    end
  end

  // DRLO: walk from the most significant bit, keep the first K ones.
  always_comb begin
    kept = '0;
    y_o  = y_rot;
    if (drlo_i != '0) begin
      for (int i = TimeSteps - 1; i >= 0; i--) begin
        if (y_rot[i]) begin
          if (kept < {1'b0, drlo_i}) begin
            kept = kept + 1'b1;
          end else begin
            y_o[i] = 1'b0;
          end
        end
      end
    end
  end

endmodule
