// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_index_split: splits a flat address-map index into index / Divisor and
// index % Divisor (a weight index into axon and neuron, a fan-out index into neuron and
// entry): a shift and a mask when Divisor is a power of two, a divider otherwise.

module stem_index_split #(
  parameter int unsigned IndexW  = 18,
  parameter int unsigned Divisor = 64
) (
  input  logic [IndexW-1:0] index_i,
  output logic [IndexW-1:0] quot_o,
  output logic [IndexW-1:0] rem_o
);

  localparam bit          Pow2 = (Divisor & (Divisor - 1)) == 0;
  localparam int unsigned Log  = $clog2(Divisor);  // 0 for Divisor 1

  if (Pow2) begin : g_shift
    assign quot_o = index_i >> Log;
    assign rem_o  = index_i & IndexW'(Divisor - 1);
  end else begin : g_div
    assign quot_o = index_i / IndexW'(Divisor);
    assign rem_o  = index_i % IndexW'(Divisor);
  end

endmodule
