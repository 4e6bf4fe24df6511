// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_mesh_router: a 5-port mesh router for single-flit packets (docs/hardware-interface.md).
// Ports N, E, S, W, local (stem_pkg::PortNorth.. PortLocal). Each input has a FIFO of
// FifoDepth flits; the flit at its head requests the output its XY route names; each output
// grants one request per cycle, round-robin over the inputs, and moves the flit when the
// downstream side is ready. Flits move one hop per cycle; nothing is dropped, duplicated or
// reordered (each input is a FIFO and a flit is popped only when it leaves). XY routing on a
// mesh has no cyclic channel dependencies, so the network is deadlock-free as long as the
// local and host sinks keep accepting.

`include "stem_pkg.sv"

module stem_mesh_router #(
  parameter int unsigned FifoDepth = stem_pkg::DefFifoDepth
) (
  input  logic                                        clk_i,
  input  logic                                        rst_ni,

  // The router's position (constants; ports rather than parameters, so that all routers of a
  // mesh are one module to a simulator)
  input  logic [stem_pkg::CoordW-1:0]                 x_i,
  input  logic [stem_pkg::CoordW-1:0]                 y_i,

  input  logic [stem_pkg::NumPorts-1:0]               in_valid_i,
  input  logic [stem_pkg::NumPorts*stem_pkg::FlitW-1:0] in_flit_i,
  output logic [stem_pkg::NumPorts-1:0]               in_ready_o,

  output logic [stem_pkg::NumPorts-1:0]               out_valid_o,
  output logic [stem_pkg::NumPorts*stem_pkg::FlitW-1:0] out_flit_o,
  input  logic [stem_pkg::NumPorts-1:0]               out_ready_i,

  output logic                                        busy_o       // a flit is in a FIFO
);

  // One C++ class for all routers of a Verilated mesh (compile time independent of its size).
  /* verilator no_inline_module */

  localparam int unsigned NumPorts = stem_pkg::NumPorts;
  localparam int unsigned FlitW    = stem_pkg::FlitW;

  logic [NumPorts-1:0]       head_valid;
  logic [NumPorts*FlitW-1:0] head_flit;
  logic [NumPorts-1:0]       head_pop;
  logic [NumPorts*3-1:0]     head_route;

  for (genvar i = 0; i < NumPorts; i++) begin : g_in
    stem_fifo #(
      .Width (FlitW),
      .Depth (FifoDepth)
    ) u_fifo (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .in_valid_i  (in_valid_i[i]),
      .in_data_i   (in_flit_i[i*FlitW +: FlitW]),
      .in_ready_o  (in_ready_o[i]),
      .out_valid_o (head_valid[i]),
      .out_data_o  (head_flit[i*FlitW +: FlitW]),
      .out_ready_i (head_pop[i])
    );

    assign head_route[i*3 +: 3] = stem_pkg::xy_route(head_flit[i*FlitW +: FlitW], x_i, y_i);
  end

  // Output arbitration: round-robin, starting after the input served last.
  logic [NumPorts*NumPorts-1:0] grant;  // grant[o*NumPorts + i]: output o serves input i

  for (genvar o = 0; o < NumPorts; o++) begin : g_out
    logic [NumPorts-1:0] req;
    logic [2:0]          sel;
    logic                found;
    logic [3:0]          cand;   // rr_q + k < 2 * NumPorts
    logic [2:0]          rr_q;   // the input to consider first

    for (genvar i = 0; i < NumPorts; i++) begin : g_req
      assign req[i] = head_valid[i] && (head_route[i*3 +: 3] == 3'(o));
    end

    always_comb begin
      found = 1'b0;
      sel   = '0;
      for (int k = 0; k < NumPorts; k++) begin
        cand = {1'b0, rr_q} + 4'(k);
        if (cand >= 4'(NumPorts)) cand = cand - 4'(NumPorts);
        if (!found && req[cand[2:0]]) begin
          found = 1'b1;
          sel   = cand[2:0];
        end
      end
    end

    assign out_valid_o[o]                = found;
    assign out_flit_o[o*FlitW +: FlitW]  = head_flit[sel*FlitW +: FlitW];

    for (genvar i = 0; i < NumPorts; i++) begin : g_grant
      assign grant[o*NumPorts + i] = found && out_ready_i[o] && (sel == 3'(i));
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rr_q <= '0;
      end else if (found && out_ready_i[o]) begin
        rr_q <= (sel == 3'(NumPorts - 1)) ? 3'd0 : sel + 3'd1;
      end
    end
  end

  // An input pops when the output its head requested takes the flit.
  for (genvar i = 0; i < NumPorts; i++) begin : g_pop
    logic [NumPorts-1:0] by_out;
    for (genvar o = 0; o < NumPorts; o++) begin : g_by
      assign by_out[o] = grant[o*NumPorts + i];
    end
    assign head_pop[i] = |by_out;
  end

  assign busy_o = |head_valid;

endmodule
