// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_ffs: find first set. The index of the lowest set bit of mask_i (a priority encoder);
// found_o is low (and idx_o zero) when no bit is set.

module stem_ffs #(
  parameter int unsigned Width = 64,
  parameter int unsigned IdxW = (Width > 1) ? $clog2(Width) : 1  // derived, do not override
) (
  input  logic [Width-1:0] mask_i,
  output logic             found_o,
  output logic [IdxW-1:0]  idx_o
);

  assign found_o = |mask_i;

  // The search runs only when a bit is set (a simulator evaluates this block in every cycle,
  // and most cycles find an empty mask); idx_o is zero either way when none is.
  always_comb begin
    idx_o = '0;
    if (found_o) begin
      for (int i = Width - 1; i >= 0; i--) begin
        if (mask_i[i]) begin
          idx_o = IdxW'(i);
        end
      end
    end
  end

endmodule
