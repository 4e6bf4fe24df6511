// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_mesh: MeshX x MeshY STEM tiles on a 2-D mesh NoC (docs/hardware-interface.md,
// "stem_mesh ports"). stem_noc holds the routers and their links; a stem_tile (core and
// network interface) sits on every router's local port; the host port is router (0, 0)'s west
// port. This top also keeps the mesh cycle counter (flit stamps), stamps the spike flits the
// host injects, counts the time steps, and routes the debug port to one tile.
//
// The host port and the start/step pulses are registered here (a 2-flit FIFO each way, one
// flop per pulse): nothing inside the mesh depends combinationally on a top-level input other
// than the debug port. This costs a cycle of latency on each and keeps simulation fast (a
// Verilated model re-evaluates input-dependent logic on every eval).

`include "stem_pkg.sv"

module stem_mesh #(
  parameter int unsigned TimeSteps  /*verilator public*/ = stem_pkg::DefTimeSteps,
  parameter int unsigned WeightBits /*verilator public*/ = stem_pkg::DefWeightBits,
  parameter int unsigned AccBits    /*verilator public*/ = stem_pkg::DefAccBits,
  parameter int unsigned Saturate   /*verilator public*/ = stem_pkg::DefSaturate,
  parameter int unsigned NumNeurons /*verilator public*/ = stem_pkg::DefNumNeurons,
  parameter int unsigned NumAxons   /*verilator public*/ = stem_pkg::DefNumAxons,
  parameter int unsigned MultBits   /*verilator public*/ = stem_pkg::DefMultBits,
  parameter int unsigned BiasBits   /*verilator public*/ = stem_pkg::DefBiasBits,
  parameter int unsigned MaxFanout  /*verilator public*/ = stem_pkg::DefMaxFanout,
  parameter int unsigned MeshX      /*verilator public*/ = stem_pkg::DefMeshX,
  parameter int unsigned MeshY      /*verilator public*/ = stem_pkg::DefMeshY,
  parameter int unsigned FifoDepth  /*verilator public*/ = stem_pkg::DefFifoDepth,
  parameter int unsigned NumTiles = MeshX * MeshY  // derived, do not override
) (
  input  logic                                     clk_i,
  input  logic                                     rst_ni,

  input  logic                                     start_i,
  input  logic                                     step_i,
  output logic                                     idle_o,
  output logic [31:0]                              step_o,

  // Host -> tile (0, 0) west
  input  logic                                     host_in_valid_i,
  input  logic [stem_pkg::FlitW-1:0]               host_in_flit_i,
  output logic                                     host_in_ready_o,

  // Tile (0, 0) west -> host
  output logic                                     host_out_valid_o,
  output logic [stem_pkg::FlitW-1:0]               host_out_flit_o,
  input  logic                                     host_out_ready_i,

  // Debug access port (bypasses the NoC)
  input  logic                                     dbg_req_i,
  input  logic                                     dbg_we_i,
  input  logic [7:0]                               dbg_tile_i,
  input  logic [stem_pkg::AddrW-1:0]               dbg_addr_i,
  input  logic [stem_pkg::DataW-1:0]               dbg_wdata_i,
  output logic [stem_pkg::RdataW-1:0]              dbg_rdata_o,

  // Spike monitor
  output logic [NumTiles-1:0]                      mon_valid_o,
  output logic [NumTiles*stem_pkg::SpikeAxonW-1:0] mon_neuron_o
);

  localparam int unsigned FlitW  = stem_pkg::FlitW;
  localparam int unsigned RdataW = stem_pkg::RdataW;
  localparam int unsigned StampW = stem_pkg::StampW;

  // ---------------------------------------------------------------------------------------
  // Mesh cycle counter and step counter
  // ---------------------------------------------------------------------------------------
  logic [StampW-1:0] cycle_q;
  logic [31:0]       step_q;
  logic              start_q, step_pulse_q;  // the pulses, one cycle later

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cycle_q      <= '0;
      step_q       <= '0;
      start_q      <= 1'b0;
      step_pulse_q <= 1'b0;
    end else begin
      cycle_q      <= cycle_q + StampW'(1);
      start_q      <= start_i;
      step_pulse_q <= step_i;
      if (start_i) begin
        step_q <= '0;
      end else if (step_i) begin
        step_q <= step_q + 32'd1;
      end
    end
  end

  assign step_o = step_q;

  // ---------------------------------------------------------------------------------------
  // Host port: spike flits get the stamp of the cycle they enter the mesh
  // ---------------------------------------------------------------------------------------
  logic [FlitW-1:0] host_flit_stamped;
  logic             hin_valid, hin_ready, hout_valid, hout_ready;
  logic [FlitW-1:0] hin_flit, hout_flit;
  logic             hin_busy, hout_busy;

  always_comb begin
    host_flit_stamped = host_in_flit_i;
    if (!host_in_flit_i[stem_pkg::FlitKindBit]) begin
      host_flit_stamped[stem_pkg::SpikeStampLsb +: StampW] = cycle_q;
    end
  end

  stem_fifo #(
    .Width (FlitW),
    .Depth (2)
  ) u_host_in (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_valid_i  (host_in_valid_i),
    .in_data_i   (host_flit_stamped),
    .in_ready_o  (host_in_ready_o),
    .out_valid_o (hin_valid),
    .out_data_o  (hin_flit),
    .out_ready_i (hin_ready)
  );

  stem_fifo #(
    .Width (FlitW),
    .Depth (2)
  ) u_host_out (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_valid_i  (hout_valid),
    .in_data_i   (hout_flit),
    .in_ready_o  (hout_ready),
    .out_valid_o (host_out_valid_o),
    .out_data_o  (host_out_flit_o),
    .out_ready_i (host_out_ready_i)
  );

  assign hin_busy  = hin_valid;
  assign hout_busy = host_out_valid_o;

  // ---------------------------------------------------------------------------------------
  // The NoC and the tiles
  // ---------------------------------------------------------------------------------------
  logic [NumTiles-1:0]       loc_in_valid, loc_in_ready, loc_out_valid, loc_out_ready;
  logic [NumTiles*FlitW-1:0] loc_in_flit, loc_out_flit;
  logic [NumTiles-1:0]       router_busy;
  logic                      noc_idle;
  logic [NumTiles-1:0]       tile_busy;
  logic [NumTiles*RdataW-1:0] tile_rdata;

  stem_noc #(
    .MeshX     (MeshX),
    .MeshY     (MeshY),
    .FifoDepth (FifoDepth)
  ) u_noc (
    .clk_i             (clk_i),
    .rst_ni            (rst_ni),
    .local_in_valid_i  (loc_in_valid),
    .local_in_flit_i   (loc_in_flit),
    .local_in_ready_o  (loc_in_ready),
    .local_out_valid_o (loc_out_valid),
    .local_out_flit_o  (loc_out_flit),
    .local_out_ready_i (loc_out_ready),
    .host_in_valid_i   (hin_valid),
    .host_in_flit_i    (hin_flit),
    .host_in_ready_o   (hin_ready),
    .host_out_valid_o  (hout_valid),
    .host_out_flit_o   (hout_flit),
    .host_out_ready_i  (hout_ready),
    .router_busy_o     (router_busy),
    .idle_o            (noc_idle)
  );

  for (genvar t = 0; t < NumTiles; t++) begin : g_tile
    stem_tile #(
      .TimeSteps  (TimeSteps),
      .WeightBits (WeightBits),
      .AccBits    (AccBits),
      .NumNeurons (NumNeurons),
      .NumAxons   (NumAxons),
      .MultBits   (MultBits),
      .Saturate   (Saturate),
      .BiasBits   (BiasBits),
      .MaxFanout  (MaxFanout)
    ) u_tile (
      .clk_i           (clk_i),
      .rst_ni          (rst_ni),
      .x_i             (stem_pkg::CoordW'(t % MeshX)),
      .y_i             (stem_pkg::CoordW'(t / MeshX)),
      .start_i         (start_q),
      .step_i          (step_pulse_q),
      .cycle_i         (cycle_q),
      .noc_in_valid_i  (loc_out_valid[t]),
      .noc_in_flit_i   (loc_out_flit[t*FlitW +: FlitW]),
      .noc_in_ready_o  (loc_out_ready[t]),
      .noc_out_valid_o (loc_in_valid[t]),
      .noc_out_flit_o  (loc_in_flit[t*FlitW +: FlitW]),
      .noc_out_ready_i (loc_in_ready[t]),
      .router_busy_i   (router_busy[t]),
      .dbg_req_i       (dbg_req_i && (dbg_tile_i == 8'(t))),
      .dbg_we_i        (dbg_we_i),
      .dbg_addr_i      (dbg_addr_i),
      .dbg_wdata_i     (dbg_wdata_i),
      .dbg_rdata_o     (tile_rdata[t*RdataW +: RdataW]),
      .mon_valid_o     (mon_valid_o[t]),
      .mon_neuron_o    (mon_neuron_o[t*stem_pkg::SpikeAxonW +: stem_pkg::SpikeAxonW]),
      .busy_o          (tile_busy[t])
    );
  end

  assign idle_o = noc_idle && !(|tile_busy) && !hin_busy && !hout_busy && !start_q &&
                  !step_pulse_q;

  always_comb begin
    dbg_rdata_o = '0;
    if (dbg_req_i && !dbg_we_i && (dbg_tile_i < 8'(NumTiles))) begin
      dbg_rdata_o = tile_rdata[dbg_tile_i*RdataW +: RdataW];
    end
  end

`ifndef SYNTHESIS
  // ---------------------------------------------------------------------------------------
  // Functional coverage (Verilator --coverage-user; scripts/coverage.sh, docs/verification.md)
  // ---------------------------------------------------------------------------------------
  // Backpressure at the host ports: the host's flit held (the input FIFO full), a flit for
  // the host held (the host not ready).
  c_host_in_stall:  cover property (@(posedge clk_i) rst_ni && host_in_valid_i && !host_in_ready_o);
  c_host_out_stall: cover property (@(posedge clk_i) rst_ni && host_out_valid_o && !host_out_ready_i);
  // A step with no spikes at all: no host flit in or out and no core spike between two step
  // pulses (the pulse closing such a step).
  logic cov_active_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cov_active_q <= 1'b0;
    end else if (start_i || step_i) begin
      cov_active_q <= 1'b0;
    end else if ((host_in_valid_i && host_in_ready_o) || (host_out_valid_o && host_out_ready_i) ||
                 (|mon_valid_o)) begin
      cov_active_q <= 1'b1;
    end
  end
  c_silent_step:    cover property (@(posedge clk_i) rst_ni && step_i && !cov_active_q);
  c_busy_step:      cover property (@(posedge clk_i) rst_ni && step_i && cov_active_q);
`endif

endmodule
