// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_round_shift: round_shift(a, s) of docs/stem-spec.md, an arithmetic right shift that
// rounds half up (towards +infinity): a when s = 0, else ((a >>> (s-1)) + 1) >>> 1.
// The caller sizes Width so that (a >>> (s-1)) + 1 cannot overflow: one bit more than the
// value needs is always enough.

module stem_round_shift #(
  parameter int unsigned Width  = 16,
  parameter int unsigned ShiftW = 5
) (
  input  logic signed [Width-1:0]  a_i,
  input  logic        [ShiftW-1:0] s_i,
  output logic signed [Width-1:0]  y_o
);

  logic signed [Width-1:0] pre;
  logic signed [Width-1:0] inc;

  // s_i - 1 wraps for s_i = 0; that result is not used.
  assign pre = a_i >>> (s_i - ShiftW'(1));
  assign inc = pre + Width'(1);
  assign y_o = (s_i == '0) ? a_i : (inc >>> 1);

endmodule
