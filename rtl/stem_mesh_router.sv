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

  assign busy_o = |head_valid;
`ifdef FORMAL
  logic [$clog2(FifoDepth + 1)-1:0] f_fill [NumPorts];  // each input FIFO's fill level
`endif

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
`ifdef FORMAL
      ,
      .f_count_o   (f_fill[i])
`endif
    );

  end

  // The XY route of each head flit and the requests it makes. Most cycles of a mesh find no
  // flit in a router, and Verilator evaluates all combinational logic on every clock edge, so
  // the route and the arbitration below sit behind "a flit is there" conditions with constant
  // idle values (a router's share of a cycle then costs little while it is idle). Every use of
  // head_route is qualified by head_valid, and the requests of an empty input are 0 either
  // way: the guards change no output.
  logic [NumPorts*NumPorts-1:0] req_all;  // req_all[o*NumPorts + i]: input i requests output o

  always_comb begin
    head_route = '0;
    req_all    = '0;
    if (busy_o) begin
      for (int i = 0; i < NumPorts; i++) begin
        head_route[i*3 +: 3] = stem_pkg::xy_route(head_flit[i*FlitW +: FlitW], x_i, y_i);
        for (int o = 0; o < NumPorts; o++) begin
          req_all[o*NumPorts + i] = head_valid[i] && (head_route[i*3 +: 3] == 3'(o));
        end
      end
    end
  end

  // Output arbitration: round-robin, starting after the input served last.
  logic [NumPorts*NumPorts-1:0] grant;  // grant[o*NumPorts + i]: output o serves input i

  for (genvar o = 0; o < NumPorts; o++) begin : g_out
    logic [NumPorts-1:0] req;
    logic [2:0]          sel;
    logic                found;
    logic [3:0]          cand;   // rr_q + k < 2 * NumPorts
    logic [2:0]          rr_q;   // the input to consider first

    assign req = req_all[o*NumPorts +: NumPorts];

    always_comb begin
      found = 1'b0;
      sel   = '0;
      cand  = '0;
      if (req != '0) begin
        for (int k = 0; k < NumPorts; k++) begin
          cand = {1'b0, rr_q} + 4'(k);
          if (cand >= 4'(NumPorts)) cand = cand - 4'(NumPorts);
          if (!found && req[cand[2:0]]) begin
            found = 1'b1;
            sel   = cand[2:0];
          end
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

`ifndef SYNTHESIS
  // Simulation assertions (Verilator --assert builds; docs/verification.md).
  logic [NumPorts-1:0] a_out_wait_q;  // an output offered a flit last cycle that was not taken
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_out_wait_q <= '0;
    end else begin
      a_out_wait_q <= out_valid_o & ~out_ready_i;
      for (int o = 0; o < NumPorts; o++) begin
        // Each output grants at most one input, and only when the downstream side is ready.
        assert ($countones(grant[o*NumPorts +: NumPorts]) <= 1)
          else $error("stem_mesh_router (%0d,%0d): output %0d granted %0d inputs at once", x_i, y_i, o,
                      $countones(grant[o*NumPorts +: NumPorts]));
        assert (grant[o*NumPorts +: NumPorts] == '0 || out_ready_i[o])
          else $error("stem_mesh_router (%0d,%0d): output %0d granted while its downstream is not ready", x_i, y_i, o);
        // Valid/ready: an output keeps offering a flit until the downstream side takes one.
        assert (!a_out_wait_q[o] || out_valid_o[o])
          else $error("stem_mesh_router (%0d,%0d): output %0d withdrew a flit before it was taken", x_i, y_i, o);
      end
      // Each input is popped by at most one output.
      for (int i = 0; i < NumPorts; i++) begin
        automatic int takers = 0;
        for (int o = 0; o < NumPorts; o++) takers += int'(grant[o*NumPorts + i]);
        assert (takers <= 1)
          else $error("stem_mesh_router (%0d,%0d): input %0d was taken by %0d outputs at once", x_i, y_i, i, takers);
      end
    end
  end
`ifdef STEM_ASSERTIONS
  // Only in assertion builds (ModelBuilder adds +define+STEM_ASSERTIONS with --assert): its 25
  // counters per router are state an ordinary model should not pay for.
  // Fairness (the bound of the formal p_fair, here without the pointer): while the head of
  // input i waits for output o, o grants other inputs at most NumPorts - 1 times before i.
  // (scripts/mutate.py: a pointer held at 0, fixed priority, survived the simulations, which
  // lose no flit with it.)
  logic [3:0] a_wait_q [NumPorts][NumPorts];  // [o][i]: grants of o to others while i waits
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int o = 0; o < NumPorts; o++) begin
        for (int i = 0; i < NumPorts; i++) a_wait_q[o][i] <= '0;
      end
    end else begin
      for (int o = 0; o < NumPorts; o++) begin
        for (int i = 0; i < NumPorts; i++) begin
          if (!head_valid[i] || head_route[i*3 +: 3] != 3'(o) || grant[o*NumPorts + i]) begin
            a_wait_q[o][i] <= '0;
          end else if (out_valid_o[o] && out_ready_i[o]) begin
            assert (a_wait_q[o][i] < 4'(NumPorts - 1))
              else $error("stem_mesh_router (%0d,%0d): input %0d waited through %0d grants of output %0d",
                          x_i, y_i, i, a_wait_q[o][i] + 4'd1, o);
            a_wait_q[o][i] <= a_wait_q[o][i] + 4'd1;
          end
        end
      end
    end
  end
`endif
  // ---------------------------------------------------------------------------------------
  // Functional coverage (Verilator --coverage-user; scripts/coverage.sh, docs/verification.md).
  // Points are counted per module, so each is written out (a cover inside a generate loop
  // would merge its iterations into one point).
  // ---------------------------------------------------------------------------------------
  // Every input/output pair XY routing can take (input = the side the flit came from): a
  // flit travelling in x (from east or west) may turn north or south or stop; one travelling
  // in y (from north or south) keeps its direction or stops; no U-turns. South to west is a
  // flit for the host reaching (0, 0) up column 0 (host flits leave (0, 0) westwards). Local
  // to local (a tile addressing its own core) has no point: the router allows it, but no
  // layer feeds its own core and the NoC traffic never addresses its source (the formal sets
  // cover it with free flits).
  c_n_to_s: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortSouth*NumPorts + stem_pkg::PortNorth]);
  c_n_to_l: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortLocal*NumPorts + stem_pkg::PortNorth]);
  c_s_to_n: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortNorth*NumPorts + stem_pkg::PortSouth]);
  c_s_to_l: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortLocal*NumPorts + stem_pkg::PortSouth]);
  c_s_to_w: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortWest*NumPorts + stem_pkg::PortSouth]);
  c_e_to_w: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortWest*NumPorts + stem_pkg::PortEast]);
  c_e_to_n: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortNorth*NumPorts + stem_pkg::PortEast]);
  c_e_to_s: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortSouth*NumPorts + stem_pkg::PortEast]);
  c_e_to_l: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortLocal*NumPorts + stem_pkg::PortEast]);
  c_w_to_e: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortEast*NumPorts + stem_pkg::PortWest]);
  c_w_to_n: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortNorth*NumPorts + stem_pkg::PortWest]);
  c_w_to_s: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortSouth*NumPorts + stem_pkg::PortWest]);
  c_w_to_l: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortLocal*NumPorts + stem_pkg::PortWest]);
  c_l_to_n: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortNorth*NumPorts + stem_pkg::PortLocal]);
  c_l_to_e: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortEast*NumPorts + stem_pkg::PortLocal]);
  c_l_to_s: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortSouth*NumPorts + stem_pkg::PortLocal]);
  c_l_to_w: cover property (@(posedge clk_i) rst_ni && grant[stem_pkg::PortWest*NumPorts + stem_pkg::PortLocal]);
  // Backpressure at every output (downstream not ready) and every input (its FIFO full).
  c_out_stall_n: cover property (@(posedge clk_i) rst_ni && out_valid_o[stem_pkg::PortNorth] && !out_ready_i[stem_pkg::PortNorth]);
  c_out_stall_e: cover property (@(posedge clk_i) rst_ni && out_valid_o[stem_pkg::PortEast] && !out_ready_i[stem_pkg::PortEast]);
  c_out_stall_s: cover property (@(posedge clk_i) rst_ni && out_valid_o[stem_pkg::PortSouth] && !out_ready_i[stem_pkg::PortSouth]);
  c_out_stall_w: cover property (@(posedge clk_i) rst_ni && out_valid_o[stem_pkg::PortWest] && !out_ready_i[stem_pkg::PortWest]);
  c_out_stall_l: cover property (@(posedge clk_i) rst_ni && out_valid_o[stem_pkg::PortLocal] && !out_ready_i[stem_pkg::PortLocal]);
  c_in_stall_n: cover property (@(posedge clk_i) rst_ni && in_valid_i[stem_pkg::PortNorth] && !in_ready_o[stem_pkg::PortNorth]);
  c_in_stall_e: cover property (@(posedge clk_i) rst_ni && in_valid_i[stem_pkg::PortEast] && !in_ready_o[stem_pkg::PortEast]);
  c_in_stall_s: cover property (@(posedge clk_i) rst_ni && in_valid_i[stem_pkg::PortSouth] && !in_ready_o[stem_pkg::PortSouth]);
  c_in_stall_w: cover property (@(posedge clk_i) rst_ni && in_valid_i[stem_pkg::PortWest] && !in_ready_o[stem_pkg::PortWest]);
  c_in_stall_l: cover property (@(posedge clk_i) rst_ni && in_valid_i[stem_pkg::PortLocal] && !in_ready_o[stem_pkg::PortLocal]);
`endif

`ifdef FORMAL
  // ---------------------------------------------------------------------------------------
  // Formal properties (scripts/formal.sh; formal/stem_mesh_router_fv.sv applies the reset and
  // leaves every input free, x_i and y_i included). Proved by k-induction.
  // ---------------------------------------------------------------------------------------
  function automatic logic [3:0] f_popcount(input logic [NumPorts-1:0] v);
    f_popcount = '0;
    for (int k = 0; k < NumPorts; k++) f_popcount = f_popcount + 4'(v[k]);
  endfunction

  logic [NumPorts-1:0] f_accepted, f_departed;
  assign f_accepted = in_valid_i & in_ready_o;
  assign f_departed = out_valid_o & out_ready_i;

  // Flits inside the router: accepted minus departed, counted here, against the sum of the
  // input FIFOs' fill levels: no flit created or lost.
  logic [7:0] f_inside_q, f_stored;
  always_comb begin
    f_stored = '0;
    for (int k = 0; k < NumPorts; k++) f_stored = f_stored + 8'(f_fill[k]);
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_inside_q <= '0;
    end else begin
      f_inside_q <= f_inside_q + 8'(f_popcount(f_accepted)) - 8'(f_popcount(f_departed));
    end
  end

  always_comb begin
    if (rst_ni) begin
      p_count: assert (f_inside_q == f_stored);
      // Every departure pops exactly one input FIFO.
      p_pop_per_departure: assert (f_popcount(head_pop) == f_popcount(f_departed));
      p_busy: assert (busy_o == (f_stored != '0));
    end
  end

  // The destination of the flit at each output (the host's is (0, 0)).
  logic                        f_host [NumPorts];
  logic [stem_pkg::CoordW-1:0] f_dx [NumPorts];
  logic [stem_pkg::CoordW-1:0] f_dy [NumPorts];
  for (genvar o = 0; o < NumPorts; o++) begin : g_f_dst
    assign f_host[o] = out_flit_o[o*FlitW + stem_pkg::FlitHostBit];
    assign f_dx[o]   = f_host[o] ? '0 : out_flit_o[o*FlitW + stem_pkg::FlitDstXLsb +: stem_pkg::CoordW];
    assign f_dy[o]   = f_host[o] ? '0 : out_flit_o[o*FlitW + stem_pkg::FlitDstYLsb +: stem_pkg::CoordW];
  end

  for (genvar o = 0; o < NumPorts; o++) begin : g_f_out
    logic [NumPorts-1:0] row;
    for (genvar i = 0; i < NumPorts; i++) begin : g_row
      assign row[i] = grant[o*NumPorts + i];
    end
    always_comb begin
      if (rst_ni) begin
        // Each output grants at most one input, and only with the downstream side ready.
        assert ((row & (row - NumPorts'(1))) == '0);  // p_grant_onehot
        assert (row == '0 || out_ready_i[o]);  // p_grant_ready
        // The flit leaving through output o is one XY routing sends there: X first, then Y;
        // flits for the host go to (0, 0) and leave it westwards. (Stated here from the
        // coordinates, independently of stem_pkg::xy_route, which the router uses.)
        if (out_valid_o[o]) begin
          assert (o != stem_pkg::PortEast || f_dx[o] > x_i);  // p_xy_port
          assert (o != stem_pkg::PortWest || f_dx[o] < x_i ||
                  (f_host[o] && x_i == '0 && y_i == '0));  // p_xy_port
          assert (o != stem_pkg::PortSouth || (f_dx[o] == x_i && f_dy[o] > y_i));  // p_xy_port
          assert (o != stem_pkg::PortNorth || (f_dx[o] == x_i && f_dy[o] < y_i));  // p_xy_port
          assert (o != stem_pkg::PortLocal ||
                  (!f_host[o] && f_dx[o] == x_i && f_dy[o] == y_i));  // p_xy_port
        end
        assert (32'(g_out[o].rr_q) < NumPorts);  // p_rr_range
      end
    end
  end

  for (genvar i = 0; i < NumPorts; i++) begin : g_f_in
    logic [NumPorts-1:0] col;
    for (genvar o = 0; o < NumPorts; o++) begin : g_col
      assign col[o] = grant[o*NumPorts + i];
    end
    always_comb begin
      if (rst_ni) begin
        // An input is served by at most one output in a cycle.
        assert ((col & (col - NumPorts'(1))) == '0);  // p_input_onehot
        // A valid head is delivered with its data: the input popped is the one selected.
        assert (head_valid[i] == (f_fill[i] != '0));  // p_valid_fill
      end
    end
  end

  // Fairness: while the head of input i waits for output o, o grants other inputs at most
  // NumPorts - 1 times before i (round robin). f_wait counts those grants; with the distance
  // from the round-robin pointer to i it never exceeds NumPorts - 1 (the inductive form).
  for (genvar o = 0; o < NumPorts; o++) begin : g_f_fair
    for (genvar i = 0; i < NumPorts; i++) begin : g_in
      logic       waiting;
      logic [3:0] wait_q;
      logic [2:0] dist;   // (i - rr_q) mod NumPorts
      assign waiting = head_valid[i] && (head_route[i*3 +: 3] == 3'(o)) &&
                       !grant[o*NumPorts + i];
      assign dist = (3'(i) >= g_out[o].rr_q) ? 3'(i) - g_out[o].rr_q :
                                               3'(i) + 3'(NumPorts) - g_out[o].rr_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          wait_q <= '0;
        end else if (!waiting) begin
          wait_q <= '0;
        end else if (out_valid_o[o] && out_ready_i[o]) begin
          wait_q <= wait_q + 4'd1;
        end
      end
      always_comb begin
        if (rst_ni) begin
          assert (wait_q <= 4'(NumPorts - 1));  // p_fair
          if (head_valid[i] && head_route[i*3 +: 3] == 3'(o)) begin
            assert (4'(dist) + wait_q <= 4'(NumPorts - 1));  // p_fair_dist
          end
        end
      end
    end
  end
`endif

endmodule
