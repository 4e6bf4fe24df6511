// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_fifo: a flop-based FIFO with valid/ready on both sides. in_ready_o depends only on the
// fill level (not on out_ready_i), so chains of FIFOs have no combinational ready paths.

module stem_fifo #(
  parameter int unsigned Width = 64,
  parameter int unsigned Depth = 4
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic             in_valid_i,
  input  logic [Width-1:0] in_data_i,
  output logic             in_ready_o,

  output logic             out_valid_o,
  output logic [Width-1:0] out_data_o,
  input  logic             out_ready_i
`ifdef FORMAL
  ,
  output logic [$clog2(Depth + 1)-1:0] f_count_o  // (formal builds only) the fill level
`endif
);

  localparam int unsigned PtrW = (Depth > 1) ? $clog2(Depth) : 1;
  localparam int unsigned CntW = $clog2(Depth + 1);

  logic [Width-1:0] mem_q [Depth];
  logic [PtrW-1:0]  wptr_q, rptr_q;
  logic [CntW-1:0]  count_q;
  logic             push, pop;

  assign in_ready_o  = (count_q != CntW'(Depth));
  assign out_valid_o = (count_q != '0);
  assign out_data_o  = mem_q[rptr_q];
  assign push        = in_valid_i && in_ready_o;
  assign pop         = out_valid_o && out_ready_i;

  function automatic logic [PtrW-1:0] next_ptr(input logic [PtrW-1:0] p);
    next_ptr = (p == PtrW'(Depth - 1)) ? '0 : p + PtrW'(1);
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      if (push) wptr_q <= next_ptr(wptr_q);
      if (pop) rptr_q <= next_ptr(rptr_q);
      if (push && !pop) begin
        count_q <= count_q + CntW'(1);
      end else if (pop && !push) begin
        count_q <= count_q - CntW'(1);
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (push) begin
      mem_q[wptr_q] <= in_data_i;
    end
  end

`ifndef SYNTHESIS
  // Simulation assertions (model libraries built with Verilator --assert: ModelParameters'
  // assertions; docs/verification.md). A failure stops the run with this module's instance,
  // the time and the message.
  logic a_in_wait_q, a_out_wait_q;  // a flit was offered last cycle and not taken
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_in_wait_q  <= 1'b0;
      a_out_wait_q <= 1'b0;
    end else begin
      a_in_wait_q  <= in_valid_i && !in_ready_o;
      a_out_wait_q <= out_valid_o && !out_ready_i;
      // Never written when full, never read when empty: the fill level stays in 0..Depth.
      // (Constant when Depth + 1 is a power of two: the counter cannot exceed it.)
      /* verilator lint_off CMPCONST */
      assert (32'(count_q) <= Depth)
        else $error("stem_fifo: fill level %0d exceeds the depth %0d (written when full)", count_q, Depth);
      /* verilator lint_on CMPCONST */
      assert (!(pop && count_q == '0))
        else $error("stem_fifo: popped while empty");
      // Valid/ready: the producer keeps offering a flit the FIFO did not take, and the
      // FIFO keeps offering its head until the consumer takes it.
      assert (!a_in_wait_q || in_valid_i)
        else $error("stem_fifo: the producer withdrew a flit the FIFO had not taken (valid dropped before ready)");
      assert (!a_out_wait_q || out_valid_o)
        else $error("stem_fifo: the head was withdrawn before the consumer took it (valid dropped before ready)");
    end
  end
  // Functional coverage (Verilator --coverage-user; scripts/coverage.sh): the FIFO full, a
  // push refused because it is full, and a push and a pop in the same cycle.
  c_full:        cover property (@(posedge clk_i) rst_ni && count_q == CntW'(Depth));
  c_push_full:   cover property (@(posedge clk_i) rst_ni && in_valid_i && !in_ready_o);
  c_push_pop:    cover property (@(posedge clk_i) rst_ni && in_valid_i && in_ready_o && out_valid_o && out_ready_i);
`endif

`ifdef FORMAL
  // ---------------------------------------------------------------------------------------
  // Formal properties (scripts/formal.sh; formal/stem_fifo_fv.sv applies the reset). Proved
  // by k-induction: the invariants on the pointers and the tracked entry make the set inductive.
  // ---------------------------------------------------------------------------------------
  assign f_count_o = count_q;

  // Shadow fill level, wide enough never to wrap: pushes minus pops.
  logic [7:0] f_fill_q;
  // The tracked entry: the f_track-th push (any index, chosen by the solver) and its data.
  (* anyconst *) logic [7:0] f_track;
  logic [7:0]       f_pushes_q, f_pops_q;
  logic [Width-1:0] f_data_q;
  logic             f_in_q;   // the tracked entry is in the FIFO

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_fill_q   <= '0;
      f_pushes_q <= '0;
      f_pops_q   <= '0;
      f_in_q     <= 1'b0;
      f_data_q   <= '0;
    end else begin
      f_fill_q <= f_fill_q + 8'(push) - 8'(pop);
      if (push) f_pushes_q <= f_pushes_q + 8'd1;
      if (pop) f_pops_q <= f_pops_q + 8'd1;
      if (push && f_pushes_q == f_track) begin
        f_in_q   <= 1'b1;
        f_data_q <= in_data_i;
      end else if (pop && f_pops_q == f_track) begin
        f_in_q <= 1'b0;
      end
    end
  end

  // (p + k) mod Depth for p < Depth, k <= Depth.
  function automatic logic [PtrW-1:0] f_wrap(input logic [PtrW-1:0] p, input logic [7:0] k);
    logic [8:0] s;
    s = 9'(p) + 9'(k);
    f_wrap = (s >= 9'(Depth)) ? PtrW'(s - 9'(Depth)) : PtrW'(s);
  endfunction

  logic [7:0] f_ahead;  // entries in front of the tracked one
  assign f_ahead = f_track - f_pops_q;

  always_comb begin
    if (rst_ni) begin
      // No overflow, no underflow: the fill level stays in 0..Depth and matches the shadow.
      p_fill_range: assert (f_fill_q <= 8'(Depth));
      p_fill_count: assert (8'(count_q) == f_fill_q);
      p_no_underflow: assert (!(pop && f_fill_q == 8'd0));
      p_no_overflow: assert (!(push && f_fill_q == 8'(Depth)));
      // Ready/valid: ready and valid follow the fill level.
      p_ready: assert (in_ready_o == (f_fill_q != 8'(Depth)));
      p_valid: assert (out_valid_o == (f_fill_q != 8'd0));
      // Pointers: in range, write pointer = read pointer + fill level (mod Depth).
      p_rptr_range: assert (32'(rptr_q) < Depth);
      p_wptr_range: assert (32'(wptr_q) < Depth);
      p_ptrs: assert (wptr_q == f_wrap(rptr_q, f_fill_q));
      // Order and data: the tracked entry is in the FIFO exactly while it has been pushed and
      // not popped, sits f_ahead places behind the head, and leaves with its data when all
      // entries pushed before it have left.
      p_track_in: assert (f_in_q == ((f_track - f_pops_q) < (f_pushes_q - f_pops_q)));
      p_pushes: assert (f_pushes_q - f_pops_q == f_fill_q);
      if (f_in_q) begin
        p_track_mem: assert (mem_q[f_wrap(rptr_q, f_ahead)] == f_data_q);
      end
      if (pop && f_in_q && f_pops_q == f_track) begin
        p_order: assert (out_data_o == f_data_q);
      end
    end
  end

  // Ready/valid on the output: once valid, the head stays valid and unchanged until taken.
  logic             f_stall_q;
  logic [Width-1:0] f_head_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_stall_q <= 1'b0;
      f_head_q  <= '0;
    end else begin
      f_stall_q <= out_valid_o && !out_ready_i;
      f_head_q  <= out_data_o;
    end
  end
  always_comb begin
    if (rst_ni && f_stall_q) begin
      p_hold_valid: assert (out_valid_o);
      p_hold_data: assert (out_data_o == f_head_q);
    end
  end
`endif

endmodule
