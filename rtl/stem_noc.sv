// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_noc: the MeshX x MeshY grid of mesh_routers and all their links. Every router's local
// port is exposed (tile t = y * MeshX + x at bits [t] / [t*64 +: 64]), and the west port of
// router (0, 0) is the host port. It is the bare NoC top for the NoC benchmark and scoreboard
// tests, and stem_mesh instantiates it and hangs a stem_tile on every local port, so the grid
// wiring exists once.
//
// Edge ports other than the host port are unconnected: their inputs are never valid and their
// outputs never ready (XY routing never sends a flit there for a destination on the mesh).

`include "stem_pkg.sv"

module stem_noc #(
  parameter int unsigned MeshX     /*verilator public*/ = stem_pkg::DefMeshX,
  parameter int unsigned MeshY     /*verilator public*/ = stem_pkg::DefMeshY,
  parameter int unsigned FifoDepth /*verilator public*/ = stem_pkg::DefFifoDepth,
  parameter int unsigned NumTiles  = MeshX * MeshY  // derived, do not override
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,

  // Local ports: into the router of tile t
  input  logic [NumTiles-1:0]                 local_in_valid_i,
  input  logic [NumTiles*stem_pkg::FlitW-1:0] local_in_flit_i,
  output logic [NumTiles-1:0]                 local_in_ready_o,

  // Local ports: out of the router of tile t
  output logic [NumTiles-1:0]                 local_out_valid_o,
  output logic [NumTiles*stem_pkg::FlitW-1:0] local_out_flit_o,
  input  logic [NumTiles-1:0]                 local_out_ready_i,

  // Host port: router (0, 0) west
  input  logic                                host_in_valid_i,
  input  logic [stem_pkg::FlitW-1:0]          host_in_flit_i,
  output logic                                host_in_ready_o,
  output logic                                host_out_valid_o,
  output logic [stem_pkg::FlitW-1:0]          host_out_flit_o,
  input  logic                                host_out_ready_i,

  output logic [NumTiles-1:0]                 router_busy_o,  // tile t's router holds a flit
  output logic                                idle_o          // no flit anywhere
);

  // Parameter legality (elaboration time): coordinates travel in CoordW-bit flit fields.
  if (MeshX < 1 || MeshX > (1 << stem_pkg::CoordW)) begin : g_bad_mesh_x
    $error("stem_noc: MeshX = %0d is outside 1..%0d", MeshX, 1 << stem_pkg::CoordW);
  end
  if (MeshY < 1 || MeshY > (1 << stem_pkg::CoordW)) begin : g_bad_mesh_y
    $error("stem_noc: MeshY = %0d is outside 1..%0d", MeshY, 1 << stem_pkg::CoordW);
  end
  if (FifoDepth < 1) begin : g_bad_fifo_depth
    $error("stem_noc: FifoDepth = %0d is below 1", FifoDepth);
  end
  if (NumTiles != MeshX * MeshY) begin : g_bad_num_tiles
    $error("stem_noc: NumTiles = %0d is derived and must be MeshX * MeshY = %0d", NumTiles, MeshX * MeshY);
  end

  localparam int unsigned FlitW = stem_pkg::FlitW;
  localparam int unsigned P     = stem_pkg::NumPorts;
  localparam int unsigned PN    = stem_pkg::PortNorth;
  localparam int unsigned PE    = stem_pkg::PortEast;
  localparam int unsigned PS    = stem_pkg::PortSouth;
  localparam int unsigned PW    = stem_pkg::PortWest;
  localparam int unsigned PL    = stem_pkg::PortLocal;

  // Per router and port p: element t*P + p (unpacked arrays: one small signal per link, which
  // keeps the Verilated model compact for large meshes).
  logic             r_in_valid  [NumTiles*P];
  logic             r_in_ready  [NumTiles*P];
  logic             r_out_valid [NumTiles*P];
  logic             r_out_ready [NumTiles*P];
  logic [FlitW-1:0] r_in_flit   [NumTiles*P];
  logic [FlitW-1:0] r_out_flit  [NumTiles*P];

  // Flits leaving through unconnected edge ports (never, as the ready is low) are unused.
  logic [NumTiles*P-1:0] unused_edge;

  for (genvar t = 0; t < NumTiles; t++) begin : g_node
    localparam int unsigned X = t % MeshX;
    localparam int unsigned Y = t / MeshX;

    logic [P-1:0]       in_valid, in_ready, out_valid, out_ready;
    logic [P*FlitW-1:0] in_flit, out_flit;

    for (genvar p = 0; p < P; p++) begin : g_port
      assign in_valid[p]                = r_in_valid[t*P + p];
      assign in_flit[p*FlitW +: FlitW]  = r_in_flit[t*P + p];
      assign r_in_ready[t*P + p]        = in_ready[p];
      assign r_out_valid[t*P + p]       = out_valid[p];
      assign r_out_flit[t*P + p]        = out_flit[p*FlitW +: FlitW];
      assign out_ready[p]               = r_out_ready[t*P + p];
    end

    stem_mesh_router #(
      .FifoDepth (FifoDepth)
    ) u_router (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .x_i         (stem_pkg::CoordW'(X)),
      .y_i         (stem_pkg::CoordW'(Y)),
      .in_valid_i  (in_valid),
      .in_flit_i   (in_flit),
      .in_ready_o  (in_ready),
      .out_valid_o (out_valid),
      .out_flit_o  (out_flit),
      .out_ready_i (out_ready),
      .busy_o      (router_busy_o[t])
    );

    // Local port
    assign r_in_valid[t*P + PL]            = local_in_valid_i[t];
    assign r_in_flit[t*P + PL]             = local_in_flit_i[t*FlitW +: FlitW];
    assign local_in_ready_o[t]             = r_in_ready[t*P + PL];
    assign local_out_valid_o[t]            = r_out_valid[t*P + PL];
    assign local_out_flit_o[t*FlitW +: FlitW] = r_out_flit[t*P + PL];
    assign r_out_ready[t*P + PL]           = local_out_ready_i[t];
    assign unused_edge[t*P + PL]           = 1'b0;

    // North: linked to the south port of (x, y-1)
    if (Y > 0) begin : g_n
      assign r_in_valid[t*P + PN]  = r_out_valid[(t-MeshX)*P + PS];
      assign r_in_flit[t*P + PN]   = r_out_flit[(t-MeshX)*P + PS];
      assign r_out_ready[t*P + PN] = r_in_ready[(t-MeshX)*P + PS];
      assign unused_edge[t*P + PN] = 1'b0;
    end else begin : g_n_edge
      assign r_in_valid[t*P + PN]  = 1'b0;
      assign r_in_flit[t*P + PN]   = '0;
      assign r_out_ready[t*P + PN] = 1'b0;
      assign unused_edge[t*P + PN] = ^{r_out_valid[t*P + PN], r_out_flit[t*P + PN],
                                       r_in_ready[t*P + PN]};
    end

    // South: linked to the north port of (x, y+1)
    if (Y + 1 < MeshY) begin : g_s
      assign r_in_valid[t*P + PS]  = r_out_valid[(t+MeshX)*P + PN];
      assign r_in_flit[t*P + PS]   = r_out_flit[(t+MeshX)*P + PN];
      assign r_out_ready[t*P + PS] = r_in_ready[(t+MeshX)*P + PN];
      assign unused_edge[t*P + PS] = 1'b0;
    end else begin : g_s_edge
      assign r_in_valid[t*P + PS]  = 1'b0;
      assign r_in_flit[t*P + PS]   = '0;
      assign r_out_ready[t*P + PS] = 1'b0;
      assign unused_edge[t*P + PS] = ^{r_out_valid[t*P + PS], r_out_flit[t*P + PS],
                                       r_in_ready[t*P + PS]};
    end

    // East: linked to the west port of (x+1, y)
    if (X + 1 < MeshX) begin : g_e
      assign r_in_valid[t*P + PE]  = r_out_valid[(t+1)*P + PW];
      assign r_in_flit[t*P + PE]   = r_out_flit[(t+1)*P + PW];
      assign r_out_ready[t*P + PE] = r_in_ready[(t+1)*P + PW];
      assign unused_edge[t*P + PE] = 1'b0;
    end else begin : g_e_edge
      assign r_in_valid[t*P + PE]  = 1'b0;
      assign r_in_flit[t*P + PE]   = '0;
      assign r_out_ready[t*P + PE] = 1'b0;
      assign unused_edge[t*P + PE] = ^{r_out_valid[t*P + PE], r_out_flit[t*P + PE],
                                       r_in_ready[t*P + PE]};
    end

    // West: linked to the east port of (x-1, y); at (0, 0) the host port
    if (X > 0) begin : g_w
      assign r_in_valid[t*P + PW]  = r_out_valid[(t-1)*P + PE];
      assign r_in_flit[t*P + PW]   = r_out_flit[(t-1)*P + PE];
      assign r_out_ready[t*P + PW] = r_in_ready[(t-1)*P + PE];
      assign unused_edge[t*P + PW] = 1'b0;
    end else if (t == 0) begin : g_w_host
      assign r_in_valid[t*P + PW]  = host_in_valid_i;
      assign r_in_flit[t*P + PW]   = host_in_flit_i;
      assign host_in_ready_o       = r_in_ready[t*P + PW];
      assign host_out_valid_o      = r_out_valid[t*P + PW];
      assign host_out_flit_o       = r_out_flit[t*P + PW];
      assign r_out_ready[t*P + PW] = host_out_ready_i;
      assign unused_edge[t*P + PW] = 1'b0;
    end else begin : g_w_edge
      assign r_in_valid[t*P + PW]  = 1'b0;
      assign r_in_flit[t*P + PW]   = '0;
      assign r_out_ready[t*P + PW] = 1'b0;
      assign unused_edge[t*P + PW] = ^{r_out_valid[t*P + PW], r_out_flit[t*P + PW],
                                       r_in_ready[t*P + PW]};
    end
  end

  assign idle_o = ~|router_busy_o;

  logic unused;
  assign unused = ^unused_edge;

endmodule
