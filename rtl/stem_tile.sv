// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_tile: a STEM core and its network interface (NI), attached to the local port of the
// tile's router (the routers and their links live in stem_noc, which stem_mesh instantiates).
//
// The NI
//  - delivers spike flits to the core (axon = payload[15:0]) and counts their latency
//    ((cycle - stamp) mod 2^16; status 8..10);
//  - decodes configuration flits: region 2 writes the fan-out table, every other region goes
//    to the core's configuration port. Configuration flits pass a 2-entry FIFO; the debug
//    port writes the same way (the backdoor) and wins a cycle in which both want to write (the
//    flit's write then waits in the FIFO), so no ready depends on the debug port;
//  - turns each spike the core sends into one flit per valid fan-out entry of the neuron, in
//    entry order, one flit per cycle, stamped with the mesh cycle counter when it enters the
//    router (status 11 counts them);
//  - zeroes the fan-out table after reset (NumNeurons cycles, busy).

`include "stem_pkg.sv"

module stem_tile #(
  parameter int unsigned TimeSteps  = stem_pkg::DefTimeSteps,
  parameter int unsigned WeightBits = stem_pkg::DefWeightBits,
  parameter int unsigned AccBits    = stem_pkg::DefAccBits,
  parameter int unsigned NumNeurons = stem_pkg::DefNumNeurons,
  parameter int unsigned NumAxons   = stem_pkg::DefNumAxons,
  parameter int unsigned MultBits   = stem_pkg::DefMultBits,
  parameter int unsigned Saturate   = stem_pkg::DefSaturate,
  parameter int unsigned BiasBits   = stem_pkg::DefBiasBits,
  parameter int unsigned MaxFanout  = stem_pkg::DefMaxFanout
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,

  // The tile's position (constants; ports rather than parameters, so that all tiles of a mesh
  // are one module to a simulator)
  input  logic [stem_pkg::CoordW-1:0]     x_i,
  input  logic [stem_pkg::CoordW-1:0]     y_i,

  input  logic                            start_i,
  input  logic                            step_i,
  input  logic [stem_pkg::StampW-1:0]     cycle_i,        // low bits of the mesh cycle counter

  // From the router's local output
  input  logic                            noc_in_valid_i,
  input  logic [stem_pkg::FlitW-1:0]      noc_in_flit_i,
  output logic                            noc_in_ready_o,

  // To the router's local input
  output logic                            noc_out_valid_o,
  output logic [stem_pkg::FlitW-1:0]      noc_out_flit_o,
  input  logic                            noc_out_ready_i,

  input  logic                            router_busy_i,  // for status 12 only

  // Debug port (writes at the clock edge, reads combinational)
  input  logic                            dbg_req_i,
  input  logic                            dbg_we_i,
  input  logic [stem_pkg::AddrW-1:0]      dbg_addr_i,
  input  logic [stem_pkg::DataW-1:0]      dbg_wdata_i,
  output logic [stem_pkg::RdataW-1:0]     dbg_rdata_o,

  // Spike monitor: the core hands a spike to the NI
  output logic                            mon_valid_o,
  output logic [stem_pkg::SpikeAxonW-1:0] mon_neuron_o,

  output logic                            busy_o          // core or NI not idle
);

  // One C++ class for all tiles of a Verilated mesh (compile time independent of its size).
  /* verilator no_inline_module */

  // Parameter legality (elaboration time; stem_core checks its own parameters): the fan-out
  // region holds neuron * MaxFanout + k for every neuron and entry.
  if (MaxFanout < 1 || MaxFanout > 16) begin : g_bad_max_fanout
    $error("stem_tile: MaxFanout = %0d is outside 1..16", MaxFanout);
  end
  if (64'(NumNeurons) * 64'(MaxFanout) > (64'd1 << stem_pkg::IndexW)) begin : g_bad_fanout_region
    $error("stem_tile: NumNeurons * MaxFanout = %0d exceeds the fan-out region (%0d words)",
           64'(NumNeurons) * 64'(MaxFanout), 64'd1 << stem_pkg::IndexW);
  end

  localparam int unsigned AddrW      = stem_pkg::AddrW;
  localparam int unsigned DataW      = stem_pkg::DataW;
  localparam int unsigned IndexW     = stem_pkg::IndexW;
  localparam int unsigned RdataW     = stem_pkg::RdataW;
  localparam int unsigned StampW     = stem_pkg::StampW;
  localparam int unsigned CntW       = stem_pkg::CountW;
  localparam int unsigned LatSumW    = 48;
  localparam int unsigned NeuronIdxW = (NumNeurons > 1) ? $clog2(NumNeurons) : 1;
  localparam int unsigned FanLog     = $clog2(MaxFanout);
  localparam int unsigned FanIdxW    = (MaxFanout > 1) ? FanLog : 1;
  localparam int unsigned ClearCntW  = $clog2(NumNeurons + 1);

  // ---------------------------------------------------------------------------------------
  // Configuration writes: debug port (backdoor) or configuration flit
  // ---------------------------------------------------------------------------------------
  logic                         in_is_cfg;
  logic                         dbg_wr;
  logic                         cfgq_in_valid, cfgq_in_ready;
  logic                         cfgq_valid;
  logic [AddrW+DataW-1:0]       cfgq_data;
  logic                         cfg_flit_fire;
  logic                         wr_en;
  logic [AddrW-1:0]             wr_addr;
  logic [DataW-1:0]             wr_data;
  logic [stem_pkg::RegionW-1:0] wr_region;
  logic                         core_cfg_we;
  logic                         fan_cfg_we;

  assign in_is_cfg     = noc_in_flit_i[stem_pkg::FlitKindBit];
  assign dbg_wr        = dbg_req_i && dbg_we_i;
  assign cfgq_in_valid = noc_in_valid_i && in_is_cfg;

  stem_fifo #(
    .Width (AddrW + DataW),
    .Depth (2)
  ) u_cfg_fifo (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_valid_i  (cfgq_in_valid),
    .in_data_i   (noc_in_flit_i[stem_pkg::CfgAddrLsb + AddrW - 1:stem_pkg::CfgDataLsb]),
    .in_ready_o  (cfgq_in_ready),
    .out_valid_o (cfgq_valid),
    .out_data_o  (cfgq_data),
    .out_ready_i (!dbg_wr)
  );

  assign cfg_flit_fire = cfgq_valid && !dbg_wr;
  assign wr_en         = dbg_wr || cfg_flit_fire;
  assign wr_addr       = dbg_wr ? dbg_addr_i : cfgq_data[DataW +: AddrW];
  assign wr_data       = dbg_wr ? dbg_wdata_i : cfgq_data[DataW-1:0];
  assign wr_region     = wr_addr[AddrW-1 -: stem_pkg::RegionW];
  assign fan_cfg_we    = wr_en && (wr_region == stem_pkg::RegionFanout);
  assign core_cfg_we   = wr_en && (wr_region != stem_pkg::RegionFanout);

  // ---------------------------------------------------------------------------------------
  // The core
  // ---------------------------------------------------------------------------------------
  logic                            core_in_valid, core_in_ready;
  logic                            core_out_valid, core_out_ready;
  logic [stem_pkg::SpikeAxonW-1:0] core_out_neuron;
  logic                            core_busy;
  logic [RdataW-1:0]               core_rdata;

  assign core_in_valid  = noc_in_valid_i && !in_is_cfg;
  assign noc_in_ready_o = in_is_cfg ? cfgq_in_ready : core_in_ready;

  stem_core #(
    .TimeSteps  (TimeSteps),
    .WeightBits (WeightBits),
    .AccBits    (AccBits),
    .NumNeurons (NumNeurons),
    .NumAxons   (NumAxons),
    .MultBits   (MultBits),
    .Saturate   (Saturate),
    .BiasBits   (BiasBits)
  ) u_core (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .start_i      (start_i),
    .step_i       (step_i),
    .busy_o       (core_busy),
    .in_valid_i   (core_in_valid),
    .in_axon_i    (noc_in_flit_i[stem_pkg::SpikeAxonLsb +: stem_pkg::SpikeAxonW]),
    .in_ready_o   (core_in_ready),
    .out_valid_o  (core_out_valid),
    .out_neuron_o (core_out_neuron),
    .out_ready_i  (core_out_ready),
    .cfg_we_i     (core_cfg_we),
    .cfg_addr_i   (wr_addr),
    .cfg_wdata_i  (wr_data),
    .dbg_req_i    (dbg_req_i && !dbg_we_i),
    .dbg_addr_i   (dbg_addr_i),
    .dbg_rdata_o  (core_rdata)
  );

  logic core_out_fire;
  assign core_out_fire = core_out_valid && core_out_ready;
  assign mon_valid_o   = core_out_fire;
  assign mon_neuron_o  = core_out_neuron;

  // ---------------------------------------------------------------------------------------
  // Fan-out table
  // ---------------------------------------------------------------------------------------
  logic [IndexW-1:0]         fan_w_index, fan_w_neuron, fan_w_slot;
  logic [IndexW-1:0]         dbg_index, dbg_f_neuron, dbg_f_slot;
  logic [ClearCntW-1:0]      clear_q;      // next entry to zero after reset
  logic                      clearing;
  logic [MaxFanout*DataW-1:0] out_entries;  // the entries of the neuron the core sends

  assign fan_w_index = wr_addr[IndexW-1:0];
  assign dbg_index   = dbg_addr_i[IndexW-1:0];

  // Fan-out index = neuron * MaxFanout + k.
  stem_index_split #(.IndexW(IndexW), .Divisor(MaxFanout)) u_cfg_fsplit (
    .index_i(fan_w_index),
    .quot_o (fan_w_neuron),
    .rem_o  (fan_w_slot)
  );
  stem_index_split #(.IndexW(IndexW), .Divisor(MaxFanout)) u_dbg_fsplit (
    .index_i(dbg_index),
    .quot_o (dbg_f_neuron),
    .rem_o  (dbg_f_slot)
  );

  assign clearing = (clear_q != ClearCntW'(NumNeurons));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      clear_q <= '0;
    end else if (clearing) begin
      clear_q <= clear_q + ClearCntW'(1);
    end
  end

  // Row `neuron` holds the neuron's MaxFanout entries; a write updates one entry.
  /* verilator tracing_off */
  logic [MaxFanout*DataW-1:0] fmem [NumNeurons];  // configuration: left out of waveforms
  /* verilator tracing_on */
  logic                       fan_we;

  assign fan_we = fan_cfg_we && (fan_w_neuron < IndexW'(NumNeurons));

  always_ff @(posedge clk_i) begin
    if (clearing) begin
      fmem[clear_q[NeuronIdxW-1:0]] <= '0;
    end else if (fan_we) begin
      fmem[fan_w_neuron[NeuronIdxW-1:0]][fan_w_slot[FanIdxW-1:0]*DataW +: DataW] <= wr_data;
    end
  end

  assign out_entries = fmem[core_out_neuron[NeuronIdxW-1:0]];

  // ---------------------------------------------------------------------------------------
  // Outbound: one flit per valid entry of the neuron being sent
  // ---------------------------------------------------------------------------------------
  logic [MaxFanout*DataW-1:0] ent_q;
  logic [MaxFanout-1:0]       mask_q;
  logic [MaxFanout-1:0]       mask_left;
  logic [MaxFanout-1:0]       new_mask;
  logic                       send_any;
  logic [FanIdxW-1:0]         send_sel;
  logic                       send_fire;

  stem_ffs #(
    .Width (MaxFanout)
  ) u_ffs (
    .mask_i  (mask_q),
    .found_o (send_any),
    .idx_o   (send_sel)
  );

  assign noc_out_valid_o = send_any;
  assign noc_out_flit_o  = stem_pkg::spike_flit_from_entry(ent_q[send_sel*DataW +: DataW],
                                                           x_i,
                                                           y_i,
                                                           cycle_i);
  assign send_fire       = send_any && noc_out_ready_i;

  always_comb begin
    mask_left = mask_q;
    if (send_fire) begin
      mask_left[send_sel] = 1'b0;
    end
  end

  // The NI takes the next spike in the cycle its last flit leaves.
  assign core_out_ready = (mask_left == '0);

  for (genvar k = 0; k < MaxFanout; k++) begin : g_valid
    assign new_mask[k] = out_entries[k*DataW + stem_pkg::FanValidBit];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      mask_q <= '0;
    end else if (core_out_fire) begin
      mask_q <= new_mask;
    end else begin
      mask_q <= mask_left;
    end
  end

  always_ff @(posedge clk_i) begin
    if (core_out_fire) begin
      ent_q <= out_entries;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Latency and traffic counters (status 8..11), reset by start_i
  // ---------------------------------------------------------------------------------------
  logic              spike_fire;
  logic [StampW-1:0] latency;
  logic [CntW-1:0]   lat_count_q, ni_sent_q;
  logic [LatSumW-1:0] lat_sum_q;
  logic [StampW-1:0] lat_max_q;

  assign spike_fire = core_in_valid && core_in_ready;
  assign latency    = cycle_i - noc_in_flit_i[stem_pkg::SpikeStampLsb +: StampW];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lat_count_q <= '0;
      lat_sum_q   <= '0;
      lat_max_q   <= '0;
      ni_sent_q   <= '0;
    end else if (start_i) begin
      lat_count_q <= '0;
      lat_sum_q   <= '0;
      lat_max_q   <= '0;
      ni_sent_q   <= '0;
    end else begin
      if (spike_fire) begin
        lat_count_q <= lat_count_q + CntW'(1);
        lat_sum_q   <= lat_sum_q + LatSumW'(latency);
        if (latency > lat_max_q) lat_max_q <= latency;
      end
      if (send_fire) begin
        ni_sent_q <= ni_sent_q + CntW'(1);
      end
    end
  end

  logic ni_busy;
  assign ni_busy = send_any || clearing || cfgq_valid;
  assign busy_o  = core_busy || ni_busy;

  // ---------------------------------------------------------------------------------------
  // Debug reads
  // ---------------------------------------------------------------------------------------
  logic [stem_pkg::RegionW-1:0] dbg_region;
  assign dbg_region = dbg_addr_i[AddrW-1 -: stem_pkg::RegionW];

  // The table is read inside the branch, so that a simulator reads it only on a request.
  always_comb begin
    dbg_rdata_o = '0;
    if (dbg_req_i && !dbg_we_i) begin
      if (dbg_region == stem_pkg::RegionFanout) begin
        if (dbg_f_neuron < IndexW'(NumNeurons)) begin
          dbg_rdata_o = RdataW'(
              fmem[dbg_f_neuron[NeuronIdxW-1:0]][dbg_f_slot[FanIdxW-1:0]*DataW +: DataW]);
        end
      end else if (dbg_region == stem_pkg::RegionStatus) begin
        unique case (dbg_index)
          stem_pkg::StatLatCount: dbg_rdata_o = RdataW'(lat_count_q);
          stem_pkg::StatLatSum:   dbg_rdata_o = RdataW'(lat_sum_q);
          stem_pkg::StatLatMax:   dbg_rdata_o = RdataW'(lat_max_q);
          stem_pkg::StatNiSent:   dbg_rdata_o = RdataW'(ni_sent_q);
          stem_pkg::StatTileBusy: dbg_rdata_o = RdataW'({router_busy_i, ni_busy, core_busy});
          default:                dbg_rdata_o = core_rdata;
        endcase
      end else begin
        dbg_rdata_o = core_rdata;
      end
    end
  end

  // Unused flit bits: the NI reads only the fields it needs.
  logic unused;
  assign unused = ^{noc_in_flit_i[stem_pkg::FlitHostBit:stem_pkg::FlitDstYLsb],
                    fan_w_slot[IndexW-1:FanIdxW], dbg_f_slot[IndexW-1:FanIdxW],
                    fan_w_neuron[IndexW-1:NeuronIdxW], dbg_f_neuron[IndexW-1:NeuronIdxW],
                    core_out_neuron[stem_pkg::SpikeAxonW-1:NeuronIdxW]};

endmodule
