// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_bias_init: the potential a neuron starts a window with (docs/stem-spec.md, section 4):
//   accumulator bias: V0 = fit(round_shift(b, s))   (this fit can be an overflow event)
//   output bias:      V0 = 0

`include "stem_pkg.sv"

module stem_bias_init #(
  parameter int unsigned AccBits  = 16,
  parameter int unsigned BiasBits = 32,
  parameter int unsigned Saturate = 0
) (
  input  logic signed [BiasBits-1:0]          bias_i,
  input  logic        [stem_pkg::ShiftW-1:0]  shift_i,
  input  logic                                bias_acc_i,
  output logic signed [AccBits-1:0]           v0_o,
  output logic                                ovf_o
);

  // One bit for the rounding constant of round_shift.
  localparam int unsigned RoundW = BiasBits + 1;

  logic signed [RoundW-1:0]  rounded;
  logic signed [AccBits-1:0] fitted;
  logic                      fit_ovf;

  stem_round_shift #(
    .Width  (RoundW),
    .ShiftW (stem_pkg::ShiftW)
  ) u_round (
    .a_i (RoundW'(bias_i)),
    .s_i (shift_i),
    .y_o (rounded)
  );

  stem_fit #(
    .InW      (RoundW),
    .OutW     (AccBits),
    .Saturate (Saturate)
  ) u_fit (
    .v_i   (rounded),
    .y_o   (fitted),
    .ovf_o (fit_ovf)
  );

  assign v0_o  = bias_acc_i ? fitted : '0;
  assign ovf_o = bias_acc_i & fit_ovf;

endmodule
