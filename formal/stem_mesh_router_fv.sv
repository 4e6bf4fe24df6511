// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_mesh_router_fv: the formal harness of stem_mesh_router (scripts/formal.sh). The
// properties live beside the logic, in the `ifdef FORMAL blocks of rtl/stem_mesh_router.sv and
// rtl/stem_fifo.sv; this harness holds the reset in the first cycle and leaves every input free:
// any flits on any input at any time, any downstream readiness, any router position.

`include "stem_pkg.sv"

module stem_mesh_router_fv #(
  parameter int unsigned FifoDepth = 2
) (
  input  logic                                          clk_i,
  input  logic                                          rst_ni,
  input  logic [stem_pkg::CoordW-1:0]                   x_i,
  input  logic [stem_pkg::CoordW-1:0]                   y_i,
  input  logic [stem_pkg::NumPorts-1:0]                 in_valid_i,
  input  logic [stem_pkg::NumPorts*stem_pkg::FlitW-1:0] in_flit_i,
  input  logic [stem_pkg::NumPorts-1:0]                 out_ready_i
);
  logic f_first_q = 1'b1;
  always_ff @(posedge clk_i) f_first_q <= 1'b0;
  // Reset in the first cycle, never again.
  always_comb assume (rst_ni == !f_first_q);

  logic [stem_pkg::NumPorts-1:0]                 in_ready, out_valid;
  logic [stem_pkg::NumPorts*stem_pkg::FlitW-1:0] out_flit;
  logic                                          busy;

  stem_mesh_router #(
    .FifoDepth (FifoDepth)
  ) u_router (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .x_i         (x_i),
    .y_i         (y_i),
    .in_valid_i  (in_valid_i),
    .in_flit_i   (in_flit_i),
    .in_ready_o  (in_ready),
    .out_valid_o (out_valid),
    .out_flit_o  (out_flit),
    .out_ready_i (out_ready_i),
    .busy_o      (busy)
  );
endmodule
