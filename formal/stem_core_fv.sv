// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_core_fv: the formal harness of stem_core's control (scripts/formal.sh), on a tiny core.
// The properties live beside the logic, in the `ifdef FORMAL block of rtl/stem_core.sv. The
// environment is the one stem_tile gives the core: reset in the first cycle; step and start
// pulses only while the core is not busy (the host waits for idle); the spike output not held
// off for two cycles in a row (the NI drains it); NUM_NEURONS not rewritten while busy.
// Spike inputs, configuration writes and debug reads are otherwise free.

`include "stem_pkg.sv"

module stem_core_fv (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  logic                            start_i,
  input  logic                            step_i,
  input  logic                            in_valid_i,
  input  logic [stem_pkg::SpikeAxonW-1:0] in_axon_i,
  input  logic                            out_ready_i,
  input  logic                            cfg_we_i,
  input  logic [stem_pkg::AddrW-1:0]      cfg_addr_i,
  input  logic [stem_pkg::DataW-1:0]      cfg_wdata_i
);
  logic f_first_q = 1'b1;
  logic f_stall_q;
  always_ff @(posedge clk_i) begin
    f_first_q <= 1'b0;
    f_stall_q <= !out_ready_i;
  end

  logic                            busy, in_ready, out_valid;
  logic [stem_pkg::SpikeAxonW-1:0] out_neuron;
  logic [stem_pkg::RdataW-1:0]     dbg_rdata;

  always_comb begin
    assume (rst_ni == !f_first_q);
    if (busy) begin
      assume (!step_i);
      assume (!start_i);
      assume (!(cfg_we_i && cfg_addr_i[stem_pkg::AddrW-1 -: stem_pkg::RegionW] == stem_pkg::RegionReg &&
                cfg_addr_i[stem_pkg::IndexW-1:0] == stem_pkg::IndexW'(stem_pkg::RegNumNeurons)));
    end
    if (f_stall_q) assume (out_ready_i);
  end

  stem_core #(
    .TimeSteps  (2),
    .WeightBits (2),
    .AccBits    (3),
    .NumNeurons (2),
    .NumAxons   (3),
    .MultBits   (2),
    .Saturate   (0),
    .BiasBits   (2)
  ) u_core (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .start_i      (start_i),
    .step_i       (step_i),
    .busy_o       (busy),
    .in_valid_i   (in_valid_i),
    .in_axon_i    (in_axon_i),
    .in_ready_o   (in_ready),
    .out_valid_o  (out_valid),
    .out_neuron_o (out_neuron),
    .out_ready_i  (out_ready_i),
    .cfg_we_i     (cfg_we_i),
    .cfg_addr_i   (cfg_addr_i),
    .cfg_wdata_i  (cfg_wdata_i),
    .dbg_req_i    (1'b0),
    .dbg_addr_i   ('0),
    .dbg_rdata_o  (dbg_rdata)
  );
endmodule
