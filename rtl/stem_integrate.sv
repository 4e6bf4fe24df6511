// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_integrate: one neuron's integration at the end of time step t (docs/stem-spec.md,
// section 3):
//   term = round_shift(sigma * I * 2^(B-1-t), s)
//   V'   = fit(V + term)
// sigma = -1 (negate_i) at step 0 of a core whose inputs are signed. The product is exact,
// the rounding applies to the whole step's current once, fit once.
//
// Widths: I needs CurW bits; I * 2^(B-1-t) needs CurW + B - 1; the negation one more; the
// rounding constant one more: TermW = CurW + B + 1. V + term needs max(AccBits, TermW) + 1.

`include "stem_pkg.sv"

module stem_integrate #(
  parameter int unsigned TimeSteps = 8,
  parameter int unsigned AccBits   = 16,
  parameter int unsigned CurW      = 15,
  parameter int unsigned Saturate  = 0,
  parameter int unsigned StepW     = (TimeSteps > 1) ? $clog2(TimeSteps) : 1  // derived
) (
  input  logic signed [AccBits-1:0]           v_i,
  input  logic signed [CurW-1:0]              cur_i,
  input  logic        [StepW-1:0]             t_i,
  input  logic                                negate_i,
  input  logic        [stem_pkg::ShiftW-1:0]  shift_i,
  output logic signed [AccBits-1:0]           v_o,
  output logic                                ovf_o
);

  localparam int unsigned TermW = CurW + TimeSteps + 1;
  localparam int unsigned SumW  = ((AccBits > TermW) ? AccBits : TermW) + 1;

  logic signed [TermW-1:0] cur_ext;
  logic signed [TermW-1:0] scaled;
  logic signed [TermW-1:0] signed_term;
  logic signed [TermW-1:0] term;
  logic signed [SumW-1:0]  sum;
  logic        [StepW-1:0] weight_exp;

  // 2^(B-1-t): the binary weight of step t (MSB first).
  assign weight_exp  = StepW'(TimeSteps - 1) - t_i;
  assign cur_ext     = TermW'(cur_i);
  assign scaled      = cur_ext <<< weight_exp;
  assign signed_term = negate_i ? -scaled : scaled;

  stem_round_shift #(
    .Width  (TermW),
    .ShiftW (stem_pkg::ShiftW)
  ) u_round (
    .a_i (signed_term),
    .s_i (shift_i),
    .y_o (term)
  );

  assign sum = SumW'(v_i) + SumW'(term);

  stem_fit #(
    .InW      (SumW),
    .OutW     (AccBits),
    .Saturate (Saturate)
  ) u_fit (
    .v_i   (sum),
    .y_o   (v_o),
    .ovf_o (ovf_o)
  );

endmodule
