// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_pkg: build-parameter defaults, the flit layout, the tile address map and small helper
// functions shared by the STEM core, the network interface, the routers and the mesh.
// The interface constants come from rtl/stem_interface.json through the generated
// rtl/stem_interface.svh (docs/hardware-interface.md).
//
// Yosys 0.23 reads this package but not `import` statements, so every user writes
// `stem_pkg::Name`.

// Every file that uses the package includes it (`include "stem_pkg.sv"`), so the RTL compiles
// in any file order; the guard keeps one definition. rtl/stem.f lists the files (package first).
`ifndef STEM_PKG_SV
`define STEM_PKG_SV

package stem_pkg;

  // Every top uses only some of these constants.
  /* verilator lint_off UNUSEDPARAM */

  // ---------------------------------------------------------------------------------------
  // Build-parameter defaults (DefTimeSteps, ...) and the ranges the RTL accepts (MinTimeSteps,
  // MaxTimeSteps, ...): in stem_interface.svh below, generated from the "parameters" section
  // of rtl/stem_interface.json (docs/hardware-interface.md, "Build parameters").
  // ---------------------------------------------------------------------------------------

  // ---------------------------------------------------------------------------------------
  // The hardware interface: the flit layout, the tile address map, the registers, the status
  // words and the fan-out entry (FlitW, FlitDstXLsb, RegionStatus, StatTileBusy, FanHostBit,
  // ...). Generated from rtl/stem_interface.json, the one table the C shim, the testbenches and
  // the Swift code use too; change the table, then run `swift run stem-interface write`.
  // ---------------------------------------------------------------------------------------
`include "stem_interface.svh"

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
