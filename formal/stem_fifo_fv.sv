// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_fifo_fv: the formal harness of stem_fifo (scripts/formal.sh). The properties live beside
// the logic, in the `ifdef FORMAL block of rtl/stem_fifo.sv; this harness holds the reset in the
// first cycle and leaves every input free (valid, data and ready change at will).

module stem_fifo_fv #(
  parameter int unsigned Width = 4,
  parameter int unsigned Depth = 3
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             in_valid_i,
  input  logic [Width-1:0] in_data_i,
  input  logic             out_ready_i
);
  logic             f_first_q = 1'b1;
  always_ff @(posedge clk_i) f_first_q <= 1'b0;
  // Reset in the first cycle, never again (a later reset is the first cycle of another run).
  always_comb assume (rst_ni == !f_first_q);

  logic                        in_ready, out_valid;
  logic [Width-1:0]            out_data;
  logic [$clog2(Depth + 1)-1:0] count;

  stem_fifo #(
    .Width (Width),
    .Depth (Depth)
  ) u_fifo (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_valid_i  (in_valid_i),
    .in_data_i   (in_data_i),
    .in_ready_o  (in_ready),
    .out_valid_o (out_valid),
    .out_data_o  (out_data),
    .out_ready_i (out_ready_i),
    .f_count_o   (count)
  );
endmodule
