// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_pkg: build-parameter defaults, the flit layout, the tile address map and small helper
// functions shared by the STEM core, the network interface, the routers and the mesh.
// This file and Sources/StemRTL/Flit.swift are the two encodings of
// docs/hardware-interface.md; keep them in step.
//
// Yosys 0.23 reads this package but not `import` statements, so every user writes
// `stem_pkg::Name`.

// Every file that uses the package includes it (`include "stem_pkg.sv"`), so the RTL compiles
// in any file order (`verilator --lint-only -Wall rtl/*.sv`); the guard keeps one definition.
`ifndef STEM_PKG_SV
`define STEM_PKG_SV

package stem_pkg;

  // Every top uses only some of these constants.
  /* verilator lint_off UNUSEDPARAM */

  // ---------------------------------------------------------------------------------------
  // Build-parameter defaults (docs/hardware-interface.md, "Build parameters")
  // ---------------------------------------------------------------------------------------
  localparam int unsigned DefTimeSteps  = 8;
  localparam int unsigned DefWeightBits = 8;
  localparam int unsigned DefAccBits    = 16;
  localparam int unsigned DefSaturate   = 0;  // 1 = saturate, 0 = wrap
  localparam int unsigned DefNumNeurons = 64;
  localparam int unsigned DefNumAxons   = 64;
  localparam int unsigned DefMultBits   = 16;
  localparam int unsigned DefBiasBits   = 32;
  localparam int unsigned DefMaxFanout  = 4;
  localparam int unsigned DefMeshX      = 2;
  localparam int unsigned DefMeshY      = 2;
  localparam int unsigned DefFifoDepth  = 4;

  // ---------------------------------------------------------------------------------------
  // The flit (64 bits, single-flit packets)
  // ---------------------------------------------------------------------------------------
  localparam int unsigned FlitW        = 64;
  localparam int unsigned FlitKindBit  = 63;  // 0 = spike, 1 = configuration write
  localparam int unsigned FlitHostBit  = 62;  // 1 = deliver to the host
  localparam int unsigned FlitDstXLsb  = 58;  // 61:58
  localparam int unsigned FlitDstYLsb  = 54;  // 57:54
  localparam int unsigned CoordW       = 4;
  localparam int unsigned PayloadW     = 54;  // 53:0

  localparam logic KindSpike  = 1'b0;
  localparam logic KindConfig = 1'b1;

  // Spike payload
  localparam int unsigned SpikeAxonLsb  = 0;   // 15:0
  localparam int unsigned SpikeAxonW    = 16;
  localparam int unsigned SpikeSrcXLsb  = 16;  // 19:16
  localparam int unsigned SpikeSrcYLsb  = 20;  // 23:20
  localparam int unsigned SpikeStampLsb = 24;  // 39:24
  localparam int unsigned StampW        = 16;

  // Configuration payload
  localparam int unsigned CfgAddrLsb = 32;  // 53:32
  localparam int unsigned CfgDataLsb = 0;   // 31:0

  // The host's source coordinate in spike flits it sends.
  localparam logic [CoordW-1:0] HostCoord = 4'd15;

  // ---------------------------------------------------------------------------------------
  // Tile address map (22-bit word addresses)
  // ---------------------------------------------------------------------------------------
  localparam int unsigned AddrW    = 22;
  localparam int unsigned RegionW  = 4;   // addr[21:18]
  localparam int unsigned IndexW   = 18;  // addr[17:0]
  localparam int unsigned DataW    = 32;  // configuration write data
  localparam int unsigned RdataW   = 64;  // debug read data
  localparam int unsigned CountW   = 32;  // width of the status event counters

  localparam logic [RegionW-1:0] RegionWeight = 4'd0;
  localparam logic [RegionW-1:0] RegionBias   = 4'd1;
  localparam logic [RegionW-1:0] RegionFanout = 4'd2;
  localparam logic [RegionW-1:0] RegionReg    = 4'd3;
  localparam logic [RegionW-1:0] RegionV      = 4'd4;
  localparam logic [RegionW-1:0] RegionI      = 4'd5;
  localparam logic [RegionW-1:0] RegionY      = 4'd6;
  localparam logic [RegionW-1:0] RegionStatus = 4'd7;

  // Registers (region 3)
  localparam logic [IndexW-1:0] RegNumNeurons  = 18'd0;
  localparam logic [IndexW-1:0] RegShift       = 18'd1;
  localparam logic [IndexW-1:0] RegMultiplier  = 18'd2;
  localparam logic [IndexW-1:0] RegPostShift   = 18'd3;
  localparam logic [IndexW-1:0] RegRot         = 18'd4;
  localparam logic [IndexW-1:0] RegDrlo        = 18'd5;
  localparam logic [IndexW-1:0] RegFlags       = 18'd6;
  localparam logic [IndexW-1:0] RegFirstWindow = 18'd7;
  localparam logic [IndexW-1:0] RegNumSamples  = 18'd8;

  localparam int unsigned FlagBiasAccBit = 0;  // FLAGS bit 0: bias mode accumulator
  localparam int unsigned FlagSignedBit  = 1;  // FLAGS bit 1: inputs signed

  // Register field widths
  localparam int unsigned ShiftW     = 5;   // s: 0..31
  localparam int unsigned PostShiftW = 6;   // n: 0..62
  localparam int unsigned RotW       = 4;   // r: 0..B-1
  localparam int unsigned DrloW      = 5;   // K: 0..B
  localparam int unsigned FlagsW     = 2;
  localparam int unsigned WindowW    = 32;  // window counter, FIRST_WINDOW, NUM_SAMPLES

  // Status (region 7)
  localparam logic [IndexW-1:0] StatOverflows = 18'd0;
  localparam logic [IndexW-1:0] StatSpikesIn  = 18'd1;
  localparam logic [IndexW-1:0] StatSpikesOut = 18'd2;
  localparam logic [IndexW-1:0] StatStep      = 18'd3;
  localparam logic [IndexW-1:0] StatWindow    = 18'd4;
  localparam logic [IndexW-1:0] StatBusy      = 18'd5;
  localparam logic [IndexW-1:0] StatLatCount  = 18'd8;
  localparam logic [IndexW-1:0] StatLatSum    = 18'd9;
  localparam logic [IndexW-1:0] StatLatMax    = 18'd10;
  localparam logic [IndexW-1:0] StatNiSent    = 18'd11;
  localparam logic [IndexW-1:0] StatTileBusy  = 18'd12;  // bit 0 core, 1 NI, 2 router

  // Fan-out entry (region 2)
  localparam int unsigned FanValidBit  = 31;
  localparam int unsigned FanHostBit   = 30;
  localparam int unsigned FanXLsb      = 24;  // 27:24
  localparam int unsigned FanYLsb      = 20;  // 23:20
  localparam int unsigned FanAxonLsb   = 0;   // 15:0

  // ---------------------------------------------------------------------------------------
  // Router ports
  // ---------------------------------------------------------------------------------------
  localparam int unsigned NumPorts  = 5;
  localparam int unsigned PortNorth = 0;
  localparam int unsigned PortEast  = 1;
  localparam int unsigned PortSouth = 2;
  localparam int unsigned PortWest  = 3;
  localparam int unsigned PortLocal = 4;

  // ---------------------------------------------------------------------------------------
  // Helper functions
  // ---------------------------------------------------------------------------------------

  // Whether window w lies in [first, first + count): the windows a core accumulates a sample
  // in (first = FIRST_WINDOW) or sends one in (first = FIRST_WINDOW + 1). One bit wider than
  // the window counter so that first + 1 cannot wrap.
  function automatic logic in_window(input logic [WindowW:0]   w,
                                     input logic [WindowW:0]   first,
                                     input logic [WindowW-1:0] count);
    in_window = (w >= first) && ((w - first) < {1'b0, count});
  endfunction

  function automatic logic flit_is_config(input logic [FlitW-1:0] flit);
    flit_is_config = flit[FlitKindBit];
  endfunction

  // A spike flit from a fan-out entry, sent by tile (src_x, src_y) at cycle `stamp`.
  function automatic logic [FlitW-1:0] spike_flit_from_entry(input logic [DataW-1:0]   entry,
                                                             input logic [CoordW-1:0]  src_x,
                                                             input logic [CoordW-1:0]  src_y,
                                                             input logic [StampW-1:0]  stamp);
    logic [FlitW-1:0] f;
    f = '0;
    f[FlitKindBit]                     = KindSpike;
    f[FlitHostBit]                     = entry[FanHostBit];
    f[FlitDstXLsb +: CoordW]           = entry[FanXLsb +: CoordW];
    f[FlitDstYLsb +: CoordW]           = entry[FanYLsb +: CoordW];
    f[SpikeAxonLsb +: SpikeAxonW]      = entry[FanAxonLsb +: SpikeAxonW];
    f[SpikeSrcXLsb +: CoordW]          = src_x;
    f[SpikeSrcYLsb +: CoordW]          = src_y;
    f[SpikeStampLsb +: StampW]         = stamp;
    spike_flit_from_entry = f;
  endfunction

  // The output port a flit takes at router (x, y): dimension-ordered XY routing. Flits for
  // the host route to (0, 0) and leave through its west port.
  function automatic logic [2:0] xy_route(input logic [FlitW-1:0]  flit,
                                          input logic [CoordW-1:0] x,
                                          input logic [CoordW-1:0] y);
    logic [CoordW-1:0] dx, dy;
    logic              to_host;
    to_host = flit[FlitHostBit];
    dx = to_host ? '0 : flit[FlitDstXLsb +: CoordW];
    dy = to_host ? '0 : flit[FlitDstYLsb +: CoordW];
    if (dx > x) begin
      xy_route = 3'(PortEast);
    end else if (dx < x) begin
      xy_route = 3'(PortWest);
    end else if (dy > y) begin
      xy_route = 3'(PortSouth);
    end else if (dy < y) begin
      xy_route = 3'(PortNorth);
    end else if (to_host) begin
      xy_route = 3'(PortWest);
    end else begin
      xy_route = 3'(PortLocal);
    end
  endfunction

  /* verilator lint_on UNUSEDPARAM */

endpackage

`endif  // STEM_PKG_SV
