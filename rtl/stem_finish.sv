// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_finish: a neuron's output value at the end of a window (docs/stem-spec.md,
// sections 4-6), one shared instance per core:
//   accumulator bias: y_pre = round_shift(V * m, n)
//   output bias:      y_pre = round_shift(V * m, n) + b
//   y = clamp(y_pre, 0, 2^B - 1), then RoT and DRLO.
//
// Widths: V * m needs AccBits + MultBits + 1 bits (m is unsigned); one more for the rounding
// constant of round_shift; adding a BiasBits-bit bias needs one more than the wider of the two.

`include "stem_pkg.sv"

module stem_finish #(
  parameter int unsigned TimeSteps = 8,
  parameter int unsigned AccBits   = 16,
  parameter int unsigned MultBits  = 16,
  parameter int unsigned BiasBits  = 32
) (
  input  logic signed [AccBits-1:0]             v_i,
  input  logic        [MultBits-1:0]            mult_i,
  input  logic        [stem_pkg::PostShiftW-1:0] post_shift_i,
  input  logic signed [BiasBits-1:0]            bias_i,
  input  logic                                  bias_out_i,
  input  logic        [stem_pkg::RotW-1:0]      rot_i,
  input  logic        [stem_pkg::DrloW-1:0]     drlo_i,
  output logic        [TimeSteps-1:0]           y_o
);

  localparam int unsigned ProdW = AccBits + MultBits + 2;
  localparam int unsigned PreW  = ((ProdW > BiasBits) ? ProdW : BiasBits) + 1;

  logic signed [ProdW-1:0]     prod;
  logic signed [ProdW-1:0]     scaled;
  logic signed [PreW-1:0]      bias_term;
  logic signed [PreW-1:0]      y_pre;
  logic        [TimeSteps-1:0] y_clamped;

  assign prod = ProdW'(v_i) * $signed({1'b0, mult_i});

  stem_round_shift #(
    .Width  (ProdW),
    .ShiftW (stem_pkg::PostShiftW)
  ) u_round (
    .a_i (prod),
    .s_i (post_shift_i),
    .y_o (scaled)
  );

  assign bias_term = bias_out_i ? PreW'(bias_i) : '0;
  assign y_pre     = PreW'(scaled) + bias_term;

  // ReLU and saturation to B bits.
  always_comb begin
    if (y_pre[PreW-1]) begin
      y_clamped = '0;
    end else if (y_pre > PreW'({TimeSteps{1'b1}})) begin
      y_clamped = '1;
    end else begin
      y_clamped = y_pre[TimeSteps-1:0];
    end
  end

  stem_sparsify #(
    .TimeSteps (TimeSteps)
  ) u_sparsify (
    .y_i    (y_clamped),
    .rot_i  (rot_i),
    .drlo_i (drlo_i),
    .y_o    (y_o)
  );

endmodule
