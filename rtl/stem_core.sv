// Copyright stem-cosim contributors.
// SPDX-License-Identifier: Apache-2.0
//
// stem_core: a STEM neuron core (docs/stem-spec.md). It hosts up to NumNeurons neurons of one
// layer with up to NumAxons inputs and implements, per neuron, the synaptic current I of the
// open time step, the membrane potential V (AccBits wide, wrap or saturate), the value Y it
// sends during the current window, and the MSB-first spike encoding of Y.
//
// Micro-architecture (docs/rtl.md has the cycle costs):
//  - Weights: a memory of NumAxons rows of NumNeurons weights. An accepted input spike reads
//    row `axon` (synchronous read) and adds it to all currents in the next cycle: one cycle
//    per spike, pipelined. A spike on a signed axon (axon < SIGNED_AXONS) in step 0 of a
//    window subtracts its row instead (sigma = -1 per spike).
//  - On the step pulse a sequential pass over the active neurons integrates I into V (one
//    neuron per cycle through the shared stem_integrate), skipped when no spike came in.
//  - At the end of a window a second pass computes Y = f(V) (shared stem_finish: one
//    multiplier) and sets V to the next window's V0 (stem_bias_init). Its m and n are the
//    registers MULTIPLIER and POST_SHIFT, or with FLAGS.NeuronRequant the neuron's own from
//    two small memories (regions Mult and NShift).
//  - The spikes of the new step (bit B-1-t of Y) go into a pending mask that a priority
//    encoder drains, one spike per cycle, lowest neuron first.
//  - The spike input is held (ready low) only while a pass runs or a step is waiting to be
//    closed; it never depends on the spike output, so backpressure on the output cannot
//    block the input.
//  - After reset the core zeroes its weight, bias, per-neuron multiplier and post-shift and
//    potential memories (max(NumNeurons, NumAxons) cycles, busy); configuration registers
//    reset to 0.

`include "stem_pkg.sv"

module stem_core #(
  parameter int unsigned TimeSteps  = stem_pkg::DefTimeSteps,
  parameter int unsigned WeightBits = stem_pkg::DefWeightBits,
  parameter int unsigned AccBits    = stem_pkg::DefAccBits,
  parameter int unsigned NumNeurons = stem_pkg::DefNumNeurons,
  parameter int unsigned NumAxons   = stem_pkg::DefNumAxons,
  parameter int unsigned MultBits   = stem_pkg::DefMultBits,
  parameter int unsigned Saturate   = stem_pkg::DefSaturate,
  parameter int unsigned BiasBits   = stem_pkg::DefBiasBits
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,

  // Run control
  input  logic                            start_i,      // pulse: reset the run state
  input  logic                            step_i,       // pulse: close the current step
  output logic                            busy_o,

  // Spike events in (axon id)
  input  logic                            in_valid_i,
  input  logic [stem_pkg::SpikeAxonW-1:0] in_axon_i,
  output logic                            in_ready_o,

  // Spike events out (neuron id)
  output logic                            out_valid_o,
  output logic [stem_pkg::SpikeAxonW-1:0] out_neuron_o,
  input  logic                            out_ready_i,

  // Configuration writes (regions 0, 1 and 3 of the tile address map)
  input  logic                            cfg_we_i,
  input  logic [stem_pkg::AddrW-1:0]      cfg_addr_i,
  input  logic [stem_pkg::DataW-1:0]      cfg_wdata_i,

  // Debug reads (combinational; dbg_rdata_o is 0 unless dbg_req_i)
  input  logic                            dbg_req_i,
  input  logic [stem_pkg::AddrW-1:0]      dbg_addr_i,
  output logic [stem_pkg::RdataW-1:0]     dbg_rdata_o
);

  // The flat vectors (a weight row, the currents, the Y values) exceed 8K bits in cores of
  // 1,024 neurons; their '0 fills are intended (Verilator warns about any fill that wide).
  /* verilator lint_off WIDTHCONCAT */

  // ---------------------------------------------------------------------------------------
  // Derived widths
  // ---------------------------------------------------------------------------------------
  localparam int unsigned NeuronLog   = $clog2(NumNeurons);  // 0 for a single neuron
  localparam int unsigned NeuronIdxW  = (NumNeurons > 1) ? NeuronLog : 1;
  localparam int unsigned NeuronCntW  = $clog2(NumNeurons + 1);
  localparam int unsigned AxonIdxW    = (NumAxons > 1) ? $clog2(NumAxons) : 1;
  localparam int unsigned StepW       = (TimeSteps > 1) ? $clog2(TimeSteps) : 1;
  // I sums at most NumAxons terms sigma * w, one per axon and step (each source neuron spikes
  // at most once per step, and each has its own axon), sigma = +-1, w in [-2^(WB-1),
  // 2^(WB-1) - 1]: |sigma * w| <= 2^(WB-1), so |I| <= NumAxons * 2^(WB-1) <=
  // 2^(WB-1+clog2(NumAxons)). CurW = WB + clog2(NumAxons) + 1 holds [-2^(WB+clog2(NumAxons)),
  // 2^(WB+clog2(NumAxons)) - 1], which contains that with a bit to spare: the per-spike
  // negation of signed axons cannot overflow the current (e.g. 1,024 spikes of -128, all
  // negated: 2^17 in CurW = 19 bits).
  localparam int unsigned CurW        = WeightBits + $clog2(NumAxons) + 1;
  localparam int unsigned PassLen     = (NumAxons > NumNeurons) ? NumAxons : NumNeurons;
  localparam int unsigned PassW       = $clog2(PassLen + 1);
  localparam int unsigned RowOffW     = $clog2(NumNeurons * WeightBits);
  localparam int unsigned CurOffW     = $clog2(NumNeurons * CurW);
  localparam int unsigned YOffW       = $clog2(NumNeurons * TimeSteps);

  localparam int unsigned IndexW = stem_pkg::IndexW;
  localparam int unsigned RdataW = stem_pkg::RdataW;
  localparam int unsigned WinW   = stem_pkg::WindowW;
  localparam int unsigned CntW   = stem_pkg::CountW;

  // ---------------------------------------------------------------------------------------
  // Parameter legality, checked at elaboration: Verilator and Yosys refuse an illegal build
  // instead of truncating an index or a width silently (the ranges of ModelParameters).
  // ---------------------------------------------------------------------------------------
  if (TimeSteps < 2 || TimeSteps > 16) begin : g_bad_time_steps
    $error("stem_core: TimeSteps = %0d is outside 2..16", TimeSteps);
  end
  if (WeightBits < 2 || WeightBits > 16) begin : g_bad_weight_bits
    $error("stem_core: WeightBits = %0d is outside 2..16", WeightBits);
  end
  if (AccBits < 2 || AccBits > 48) begin : g_bad_acc_bits
    $error("stem_core: AccBits = %0d is outside 2..48", AccBits);
  end
  if (Saturate > 1) begin : g_bad_saturate
    $error("stem_core: Saturate = %0d is not 0 or 1", Saturate);
  end
  // Neuron and axon ids travel in AxonW-bit fields (spike flits, fan-out entries, ports).
  if (NumNeurons < 1 || 64'(NumNeurons) > (64'd1 << stem_pkg::AxonW)) begin : g_bad_num_neurons
    $error("stem_core: NumNeurons = %0d is outside 1..%0d", NumNeurons, 64'd1 << stem_pkg::AxonW);
  end
  if (NumAxons < 1 || 64'(NumAxons) > (64'd1 << stem_pkg::AxonW)) begin : g_bad_num_axons
    $error("stem_core: NumAxons = %0d is outside 1..%0d", NumAxons, 64'd1 << stem_pkg::AxonW);
  end
  // The weight region holds axon * NumNeurons + neuron for every axon and neuron.
  if (64'(NumNeurons) * 64'(NumAxons) > (64'd1 << stem_pkg::IndexW)) begin : g_bad_weight_region
    $error("stem_core: NumNeurons * NumAxons = %0d exceeds the weight region (%0d words)",
           64'(NumNeurons) * 64'(NumAxons), 64'd1 << stem_pkg::IndexW);
  end
  // The multiplier and the bias are written by one DataW-bit configuration write.
  if (MultBits < 1 || MultBits > stem_pkg::DataW) begin : g_bad_mult_bits
    $error("stem_core: MultBits = %0d is outside 1..%0d", MultBits, stem_pkg::DataW);
  end
  if (BiasBits < 2 || BiasBits > stem_pkg::DataW) begin : g_bad_bias_bits
    $error("stem_core: BiasBits = %0d is outside 2..%0d", BiasBits, stem_pkg::DataW);
  end
  // The window counter, FIRST_WINDOW and NUM_SAMPLES are DataW-bit registers.
  if (WinW != stem_pkg::DataW) begin : g_bad_window_w
    $error("stem_core: WindowW = %0d differs from DataW = %0d", WinW, stem_pkg::DataW);
  end

  typedef enum logic [2:0] {
    StClear,   // zeroing the memories after reset
    StIdle,    // accepting spikes, emitting the pending ones
    StInit,    // V = V0 for window 0 (after start)
    StInteg,   // integrating I into V (after a step pulse)
    StFinish,  // end of window: Y = f(V), V = V0
    StLoad     // loading the new step's pending spikes
  } state_e;

  // ---------------------------------------------------------------------------------------
  // Address decoding
  // ---------------------------------------------------------------------------------------
  logic [stem_pkg::RegionW-1:0] cfg_region, dbg_region;
  logic [IndexW-1:0]            cfg_index, dbg_index;
  logic [IndexW-1:0]            cfg_w_axon, cfg_w_col, dbg_w_axon, dbg_w_col;

  assign cfg_region = cfg_addr_i[stem_pkg::AddrW-1 -: stem_pkg::RegionW];
  assign cfg_index  = cfg_addr_i[IndexW-1:0];
  assign dbg_region = dbg_addr_i[stem_pkg::AddrW-1 -: stem_pkg::RegionW];
  assign dbg_index  = dbg_addr_i[IndexW-1:0];

  // Weight index = axon * NumNeurons + neuron.
  stem_index_split #(.IndexW(IndexW), .Divisor(NumNeurons)) u_cfg_wsplit (
    .index_i(cfg_index),
    .quot_o (cfg_w_axon),
    .rem_o  (cfg_w_col)
  );
  stem_index_split #(.IndexW(IndexW), .Divisor(NumNeurons)) u_dbg_wsplit (
    .index_i(dbg_index),
    .quot_o (dbg_w_axon),
    .rem_o  (dbg_w_col)
  );

  logic cfg_weight_we, cfg_bias_we, cfg_mult_we, cfg_nshift_we, cfg_reg_we;
  assign cfg_weight_we = cfg_we_i && (cfg_region == stem_pkg::RegionWeight) &&
                         (cfg_w_axon < IndexW'(NumAxons));
  assign cfg_bias_we   = cfg_we_i && (cfg_region == stem_pkg::RegionBias) &&
                         (cfg_index < IndexW'(NumNeurons));
  assign cfg_mult_we   = cfg_we_i && (cfg_region == stem_pkg::RegionMult) &&
                         (cfg_index < IndexW'(NumNeurons));
  assign cfg_nshift_we = cfg_we_i && (cfg_region == stem_pkg::RegionNShift) &&
                         (cfg_index < IndexW'(NumNeurons));
  assign cfg_reg_we    = cfg_we_i && (cfg_region == stem_pkg::RegionReg);

  // ---------------------------------------------------------------------------------------
  // Configuration registers (region 3)
  // ---------------------------------------------------------------------------------------
  logic [NeuronCntW-1:0]           num_neurons_q;
  logic [stem_pkg::ShiftW-1:0]     shift_q;
  logic [MultBits-1:0]             mult_q;
  logic [stem_pkg::PostShiftW-1:0] post_shift_q;
  logic [stem_pkg::RotW-1:0]       rot_q;
  logic [stem_pkg::DrloW-1:0]      drlo_q;
  logic [stem_pkg::FlagsW-1:0]     flags_q;
  logic [WinW-1:0]                 first_window_q;
  logic [WinW-1:0]                 num_samples_q;
  logic [stem_pkg::DataW-1:0]      signed_axons_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      num_neurons_q  <= '0;
      shift_q        <= '0;
      mult_q         <= '0;
      post_shift_q   <= '0;
      rot_q          <= '0;
      drlo_q         <= '0;
      flags_q        <= '0;
      first_window_q <= '0;
      num_samples_q  <= '0;
      signed_axons_q <= '0;
    end else if (cfg_reg_we) begin
      unique case (cfg_index)
        stem_pkg::RegNumNeurons: begin
          // More than the core holds means all of them.
          num_neurons_q <= (cfg_wdata_i > stem_pkg::DataW'(NumNeurons)) ?
                           NeuronCntW'(NumNeurons) : cfg_wdata_i[NeuronCntW-1:0];
        end
        stem_pkg::RegShift:       shift_q        <= cfg_wdata_i[stem_pkg::ShiftW-1:0];
        stem_pkg::RegMultiplier:  mult_q         <= cfg_wdata_i[MultBits-1:0];
        stem_pkg::RegPostShift:   post_shift_q   <= cfg_wdata_i[stem_pkg::PostShiftW-1:0];
        stem_pkg::RegRot:         rot_q          <= cfg_wdata_i[stem_pkg::RotW-1:0];
        stem_pkg::RegDrlo:        drlo_q         <= cfg_wdata_i[stem_pkg::DrloW-1:0];
        stem_pkg::RegFlags:       flags_q        <= cfg_wdata_i[stem_pkg::FlagsW-1:0];
        stem_pkg::RegFirstWindow: first_window_q <= cfg_wdata_i;
        stem_pkg::RegNumSamples:  num_samples_q  <= cfg_wdata_i;
        stem_pkg::RegSignedAxons: signed_axons_q <= cfg_wdata_i;
        default: ;
      endcase
    end
  end

  logic bias_acc, inputs_signed, neuron_requant;
  assign bias_acc       = flags_q[stem_pkg::FlagBiasAccBit];
  assign inputs_signed  = flags_q[stem_pkg::FlagSignedBit];
  assign neuron_requant = flags_q[stem_pkg::FlagNeuronRequantBit];

  // ---------------------------------------------------------------------------------------
  // Run state
  // ---------------------------------------------------------------------------------------
  state_e             state_q, state_d;
  logic [PassW-1:0]   idx_q, idx_d;        // pass index
  logic [StepW-1:0]   t_q, t_d;            // step within the window
  logic [WinW-1:0]    w_q, w_d;            // window
  logic               step_req_q, step_req_d;
  logic               any_in_q, any_in_d;  // a spike came in during this step
  logic               acc_v_q;             // row_q holds a spike's weights to add
  logic               acc_neg_q;           // ... to subtract (a signed axon at t = 0)

  logic [NeuronIdxW-1:0] nidx;             // the neuron a pass is at
  logic                  pass_last;
  logic                  window_end;
  logic                  acc_cur;          // this window accumulates a sample
  logic                  acc_next;         // the next window accumulates a sample
  logic                  send_cur;         // this window sends a sample

  assign nidx       = idx_q[NeuronIdxW-1:0];
  assign pass_last  = (idx_q == PassW'(num_neurons_q) - PassW'(1));
  assign window_end = (t_q == StepW'(TimeSteps - 1));
  assign acc_cur    = stem_pkg::in_window({1'b0, w_q}, {1'b0, first_window_q}, num_samples_q);
  assign acc_next   = stem_pkg::in_window({1'b0, w_q} + (WinW + 1)'(1), {1'b0, first_window_q},
                                          num_samples_q);
  assign send_cur   = stem_pkg::in_window({1'b0, w_q}, {1'b0, first_window_q} + (WinW + 1)'(1),
                                          num_samples_q);

  // ---------------------------------------------------------------------------------------
  // Spike input: the weight memory and the currents
  // ---------------------------------------------------------------------------------------
  logic                            in_fire;
  logic                            in_axon_ok;
  logic [AxonIdxW-1:0]             in_axon_idx;
  logic                            clearing;
  logic [NumNeurons*WeightBits-1:0] row_q;       // weights of the last accepted spike
  logic [AxonIdxW-1:0]             dbg_axon_idx;
  logic [NeuronIdxW-1:0]           cfg_col_idx;
  logic [RowOffW-1:0]              dbg_w_off;  // bit offset of the weight read in its row

  assign in_ready_o   = (state_q == StIdle) && !step_req_q;
  assign in_fire      = in_valid_i && in_ready_o;
  // (One bit wider than the axon id: NumAxons may be 2^AxonW.)
  assign in_axon_ok   = ({1'b0, in_axon_i} < (stem_pkg::SpikeAxonW + 1)'(NumAxons));
  assign in_axon_idx  = in_axon_i[AxonIdxW-1:0];
  assign dbg_axon_idx = dbg_w_axon[AxonIdxW-1:0];
  assign cfg_col_idx  = cfg_w_col[NeuronIdxW-1:0];
  assign dbg_w_off    = RowOffW'(dbg_w_col[NeuronIdxW-1:0]) * RowOffW'(WeightBits);
  assign clearing     = (state_q == StClear);

  // The weights: row `axon` holds the weights of all neurons for that input. A configuration
  // write updates one weight of a row; clearing writes whole rows.
  // (The weights and biases are configuration, static during a run and readable through the
  // debug port: they are left out of waveforms.)
  /* verilator tracing_off */
  logic [NumNeurons*WeightBits-1:0] wmem [NumAxons];
  /* verilator tracing_on */

  // A configuration write replaces one weight of its row: a read-modify-write over constant
  // slices, which synthesis turns into per-bit write enables of the memory.
  logic [NumNeurons*WeightBits-1:0] wrow;

  always_comb begin
    wrow = wmem[cfg_w_axon[AxonIdxW-1:0]];
    if (cfg_weight_we) begin
      for (int j = 0; j < NumNeurons; j++) begin
        if (cfg_col_idx == NeuronIdxW'(j)) begin
          wrow[j*WeightBits +: WeightBits] = cfg_wdata_i[WeightBits-1:0];
        end
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (clearing) begin
      if (idx_q < PassW'(NumAxons)) begin
        wmem[idx_q[AxonIdxW-1:0]] <= '0;
      end
    end else if (cfg_weight_we) begin
      wmem[cfg_w_axon[AxonIdxW-1:0]] <= wrow;
    end
  end

  // Synchronous read of the accepted spike's row.
  always_ff @(posedge clk_i) begin
    if (in_fire) begin
      row_q <= wmem[in_axon_idx];
    end
  end

  // sigma = -1 for a spike on a signed axon (axon < SIGNED_AXONS) accepted in step 0 of a
  // window. FLAGS.Signed (every axon signed) instead negates the whole step-0 current when it
  // is integrated (stem_integrate), as before SIGNED_AXONS existed, so I reads unsigned there;
  // with FLAGS.Signed set SIGNED_AXONS is ignored (a spike is never negated twice).
  logic in_neg;
  assign in_neg = !inputs_signed && (t_q == '0) &&
                  ({{(stem_pkg::DataW - stem_pkg::SpikeAxonW){1'b0}}, in_axon_i} < signed_axons_q);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_v_q   <= 1'b0;
      acc_neg_q <= 1'b0;
    end else begin
      acc_v_q   <= in_fire && in_axon_ok && !start_i;
      acc_neg_q <= in_neg;
    end
  end

  // The currents: all neurons add their weight of the spike's row in parallel (or subtract
  // it: -w = ~w + 1, one adder with a carry-in per neuron; CurW cannot overflow, see CurW).
  // The currents, neuron j at cur_q[j*CurW +: CurW] (a flat vector, so that simulators
  // accept the per-neuron updates in loops of any length).
  logic [NumNeurons*CurW-1:0] cur_q;
  logic                   cur_clear;

  // (One always_ff with the loops inside the conditions: a simulator does the per-neuron work
  // only in the cycles that need it.)
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cur_q <= '0;
    end else if (start_i || cur_clear) begin
      cur_q <= '0;
    end else if (acc_v_q) begin
      for (int j = 0; j < NumNeurons; j++) begin
        cur_q[j*CurW +: CurW] <= cur_q[j*CurW +: CurW] +
                                 (CurW'($signed(row_q[j*WeightBits +: WeightBits])) ^
                                  {CurW{acc_neg_q}}) + CurW'(acc_neg_q);
      end
    end
  end

  // ---------------------------------------------------------------------------------------
  // Potentials and biases (one read/write per cycle by the passes)
  // ---------------------------------------------------------------------------------------
  logic signed [AccBits-1:0]  vmem [NumNeurons];
  /* verilator tracing_off */
  logic signed [BiasBits-1:0] bmem [NumNeurons];
  logic [MultBits-1:0]        mmem [NumNeurons];              // per-neuron m
  logic [stem_pkg::PostShiftW-1:0] nmem [NumNeurons];         // per-neuron n
  /* verilator tracing_on */
  logic                       vmem_we;
  logic signed [AccBits-1:0]  vmem_wdata;
  logic                       bmem_we;
  logic [NeuronIdxW-1:0]      bmem_addr;
  logic signed [BiasBits-1:0] bmem_wdata;
  logic                       clear_neuron;

  assign clear_neuron = clearing && (idx_q < PassW'(NumNeurons));
  assign bmem_we      = clear_neuron || cfg_bias_we;
  assign bmem_addr    = clearing ? nidx : cfg_index[NeuronIdxW-1:0];
  assign bmem_wdata   = clearing ? '0 : $signed(cfg_wdata_i[BiasBits-1:0]);

  // The per-neuron multipliers and post shifts: written like the biases, cleared with them.
  logic                            mmem_we, nmem_we;
  logic [MultBits-1:0]             mmem_wdata;
  logic [stem_pkg::PostShiftW-1:0] nmem_wdata;

  assign mmem_we    = clear_neuron || cfg_mult_we;
  assign nmem_we    = clear_neuron || cfg_nshift_we;
  assign mmem_wdata = clearing ? '0 : cfg_wdata_i[MultBits-1:0];
  assign nmem_wdata = clearing ? '0 : cfg_wdata_i[stem_pkg::PostShiftW-1:0];

  always_ff @(posedge clk_i) begin
    if (mmem_we) begin
      mmem[bmem_addr] <= mmem_wdata;
    end
  end

  always_ff @(posedge clk_i) begin
    if (nmem_we) begin
      nmem[bmem_addr] <= nmem_wdata;
    end
  end

  always_ff @(posedge clk_i) begin
    if (vmem_we) begin
      vmem[nidx] <= vmem_wdata;
    end
  end

  always_ff @(posedge clk_i) begin
    if (bmem_we) begin
      bmem[bmem_addr] <= bmem_wdata;
    end
  end

  logic signed [AccBits-1:0]  v_rd;
  logic signed [BiasBits-1:0] b_rd;
  logic signed [CurW-1:0]     cur_rd;

  assign v_rd   = vmem[nidx];
  assign b_rd   = bmem[nidx];

  // m and n of the finish pass: the neuron's own (FLAGS.NeuronRequant) or the registers.
  logic [MultBits-1:0]             mult_sel;
  logic [stem_pkg::PostShiftW-1:0] post_shift_sel;
  assign mult_sel       = neuron_requant ? mmem[nidx] : mult_q;
  assign post_shift_sel = neuron_requant ? nmem[nidx] : post_shift_q;

  // Bit offsets of the pass's neuron in the flat vectors (narrow, so that the shifters a
  // synthesis tool builds for them stay small).
  logic [CurOffW-1:0] cur_off;
  assign cur_off = CurOffW'(nidx) * CurOffW'(CurW);
  assign cur_rd  = cur_q[cur_off +: CurW];

  // ---------------------------------------------------------------------------------------
  // The shared datapath
  // ---------------------------------------------------------------------------------------
  logic signed [AccBits-1:0] v_int;
  logic                      v_int_ovf;
  logic signed [AccBits-1:0] v0;
  logic                      v0_ovf;
  logic [TimeSteps-1:0]      y_fin;

  stem_integrate #(
    .TimeSteps (TimeSteps),
    .AccBits   (AccBits),
    .CurW      (CurW),
    .Saturate  (Saturate)
  ) u_integrate (
    .v_i      (v_rd),
    .cur_i    (cur_rd),
    .t_i      (t_q),
    .negate_i (inputs_signed && (t_q == '0)),
    .shift_i  (shift_q),
    .v_o      (v_int),
    .ovf_o    (v_int_ovf)
  );

  stem_bias_init #(
    .AccBits  (AccBits),
    .BiasBits (BiasBits),
    .Saturate (Saturate)
  ) u_bias_init (
    .bias_i     (b_rd),
    .shift_i    (shift_q),
    .bias_acc_i (bias_acc),
    .v0_o       (v0),
    .ovf_o      (v0_ovf)
  );

  stem_finish #(
    .TimeSteps (TimeSteps),
    .AccBits   (AccBits),
    .MultBits  (MultBits),
    .BiasBits  (BiasBits)
  ) u_finish (
    .v_i          (v_rd),
    .mult_i       (mult_sel),
    .post_shift_i (post_shift_sel),
    .bias_i       (b_rd),
    .bias_out_i   (!bias_acc),
    .rot_i        (rot_q),
    .drlo_i       (drlo_q),
    .y_o          (y_fin)
  );

  // ---------------------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------------------
  logic ovf_event;
  logic y_we;
  logic advance;
  logic out_fire;

  always_comb begin
    state_d    = state_q;
    idx_d      = idx_q;
    t_d        = t_q;
    w_d        = w_q;
    step_req_d = step_req_q || step_i;
    any_in_d   = any_in_q || acc_v_q;
    vmem_we    = 1'b0;
    vmem_wdata = v_int;
    y_we       = 1'b0;
    ovf_event  = 1'b0;
    cur_clear  = 1'b0;
    advance    = 1'b0;

    unique case (state_q)
      StClear: begin
        vmem_we    = clear_neuron;
        vmem_wdata = '0;
        idx_d      = idx_q + PassW'(1);
        if (idx_q == PassW'(PassLen - 1)) begin
          idx_d   = '0;
          state_d = StIdle;
        end
      end

      StInit: begin
        vmem_we    = 1'b1;
        vmem_wdata = v0;
        ovf_event  = v0_ovf && acc_cur;
        idx_d      = idx_q + PassW'(1);
        if (pass_last) begin
          idx_d   = '0;
          state_d = StIdle;
        end
      end

      StIdle: begin
        // Close the step once the last spike is added and the last output sent.
        if (step_req_q && !out_valid_o && !acc_v_q) begin
          step_req_d = 1'b0;
          any_in_d   = 1'b0;
          idx_d      = '0;
          if (num_neurons_q == '0) begin
            cur_clear = 1'b1;  // no neuron to integrate: drop the step's currents
            advance   = 1'b1;
          end else if (any_in_q) begin
            state_d = StInteg;
          end else if (window_end) begin
            state_d = StFinish;
          end else begin
            advance = 1'b1;
          end
        end
      end

      StInteg: begin
        vmem_we    = 1'b1;
        vmem_wdata = v_int;
        ovf_event  = v_int_ovf && acc_cur;
        idx_d      = idx_q + PassW'(1);
        if (pass_last) begin
          idx_d     = '0;
          cur_clear = 1'b1;
          if (window_end) begin
            state_d = StFinish;
          end else begin
            advance = 1'b1;
          end
        end
      end

      StFinish: begin
        y_we       = 1'b1;
        vmem_we    = 1'b1;
        vmem_wdata = v0;
        ovf_event  = v0_ovf && acc_next;
        idx_d      = idx_q + PassW'(1);
        if (pass_last) begin
          idx_d   = '0;
          advance = 1'b1;
        end
      end

      StLoad: begin
        state_d = StIdle;
      end

      default: begin
        state_d = StIdle;
      end
    endcase

    if (advance) begin
      state_d = StLoad;
      if (window_end) begin
        t_d = '0;
        w_d = w_q + WinW'(1);
      end else begin
        t_d = t_q + StepW'(1);
      end
    end

    // start_i resets the run state (not while the memories are being cleared).
    if (start_i && !clearing) begin
      state_d    = (num_neurons_q != '0) ? StInit : StIdle;
      idx_d      = '0;
      t_d        = '0;
      w_d        = '0;
      step_req_d = 1'b0;
      any_in_d   = 1'b0;
      vmem_we    = 1'b0;
      y_we       = 1'b0;
      ovf_event  = 1'b0;
      advance    = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= StClear;
      idx_q      <= '0;
      t_q        <= '0;
      w_q        <= '0;
      step_req_q <= 1'b0;
      any_in_q   <= 1'b0;
    end else begin
      state_q    <= state_d;
      idx_q      <= idx_d;
      t_q        <= t_d;
      w_q        <= w_d;
      step_req_q <= step_req_d;
      any_in_q   <= any_in_d;
    end
  end

  // ---------------------------------------------------------------------------------------
  // Output values Y and the pending spikes of the current step
  // ---------------------------------------------------------------------------------------
  logic [NumNeurons*TimeSteps-1:0] y_q;  // neuron j at y_q[j*TimeSteps +: TimeSteps]
  logic [NumNeurons-1:0] pending_q;
  logic [NeuronIdxW-1:0] out_idx;
  logic [StepW-1:0]      bit_sel;

  // Step t sends bit B-1-t of Y.
  assign bit_sel = StepW'(TimeSteps - 1) - t_q;

  // Per-neuron views for waveforms (a traced build shows g_neuron[j].v, .i and .y per neuron;
  // untraced builds drop them as unused).
  for (genvar j = 0; j < NumNeurons; j++) begin : g_neuron
    /* verilator lint_off UNUSEDSIGNAL */
    logic [TimeSteps-1:0]      y;
    logic signed [CurW-1:0]    i;
    logic signed [AccBits-1:0] v;
    /* verilator lint_on UNUSEDSIGNAL */
    assign y = y_q[j*TimeSteps +: TimeSteps];
    assign i = cur_q[j*CurW +: CurW];
    assign v = vmem[j];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      y_q <= '0;
    end else if (start_i && !clearing) begin
      y_q <= '0;
    end else if (y_we) begin
      // A window without a sample leaves the next window silent. (A decoder over constant
      // slices rather than a variable part-select: cheaper in gates.)
      for (int j = 0; j < NumNeurons; j++) begin
        if (nidx == NeuronIdxW'(j)) y_q[j*TimeSteps +: TimeSteps] <= acc_cur ? y_fin : '0;
      end
    end
  end

  stem_ffs #(
    .Width (NumNeurons)
  ) u_ffs (
    .mask_i  (pending_q),
    .found_o (out_valid_o),
    .idx_o   (out_idx)
  );

  assign out_neuron_o = stem_pkg::SpikeAxonW'(out_idx);
  assign out_fire     = out_valid_o && out_ready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pending_q <= '0;
    end else if (start_i && !clearing) begin
      pending_q <= '0;
    end else if (state_q == StLoad) begin
      // (Bit bit_sel of each Y is selected here, in the one state that loads them, so that a
      // simulator does not select them in every cycle.)
      for (int j = 0; j < NumNeurons; j++) begin
        pending_q[j] <= send_cur && (NeuronCntW'(j) < num_neurons_q) &&
                        y_q[YOffW'(j*TimeSteps) + YOffW'(bit_sel)];
      end
    end else if (out_fire) begin
      pending_q <= pending_q & ~(NumNeurons'(1) << out_idx);
    end
  end

  // ---------------------------------------------------------------------------------------
  // Status counters
  // ---------------------------------------------------------------------------------------
  logic [CntW-1:0] ovf_cnt_q, spikes_in_q, spikes_out_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ovf_cnt_q    <= '0;
      spikes_in_q  <= '0;
      spikes_out_q <= '0;
    end else if (start_i && !clearing) begin
      ovf_cnt_q    <= '0;
      spikes_in_q  <= '0;
      spikes_out_q <= '0;
    end else begin
      if (ovf_event) ovf_cnt_q <= ovf_cnt_q + CntW'(1);
      if (in_fire) spikes_in_q <= spikes_in_q + CntW'(1);
      if (out_fire) spikes_out_q <= spikes_out_q + CntW'(1);
    end
  end

  assign busy_o = (state_q != StIdle) || step_req_q || out_valid_o || acc_v_q;

  // ---------------------------------------------------------------------------------------
  // Debug reads
  // ---------------------------------------------------------------------------------------
  logic [NeuronIdxW-1:0] dbg_nidx;
  logic                  dbg_neuron_ok;

  assign dbg_nidx      = dbg_index[NeuronIdxW-1:0];

  logic [CurOffW-1:0] dbg_cur_off;
  logic [YOffW-1:0]   dbg_y_off;
  assign dbg_cur_off = CurOffW'(dbg_nidx) * CurOffW'(CurW);
  assign dbg_y_off   = YOffW'(dbg_nidx) * YOffW'(TimeSteps);
  assign dbg_neuron_ok = (dbg_index < IndexW'(NumNeurons));

  // The column indices are < NumNeurons: their upper bits are always zero.
  logic unused_w_col;
  assign unused_w_col = ^{dbg_w_col, cfg_w_col};

  // The reads happen inside the branches, so that a simulator does them only on a request.
  always_comb begin
    dbg_rdata_o = '0;
    if (dbg_req_i) begin
      unique case (dbg_region)
        stem_pkg::RegionWeight: begin
          if (dbg_w_axon < IndexW'(NumAxons)) begin
            dbg_rdata_o = RdataW'($signed(wmem[dbg_axon_idx][dbg_w_off +: WeightBits]));
          end
        end
        stem_pkg::RegionBias: begin
          if (dbg_neuron_ok) dbg_rdata_o = RdataW'(bmem[dbg_nidx]);
        end
        stem_pkg::RegionMult: begin
          if (dbg_neuron_ok) dbg_rdata_o = RdataW'(mmem[dbg_nidx]);
        end
        stem_pkg::RegionNShift: begin
          if (dbg_neuron_ok) dbg_rdata_o = RdataW'(nmem[dbg_nidx]);
        end
        stem_pkg::RegionReg: begin
          unique case (dbg_index)
            stem_pkg::RegNumNeurons:  dbg_rdata_o = RdataW'(num_neurons_q);
            stem_pkg::RegShift:       dbg_rdata_o = RdataW'(shift_q);
            stem_pkg::RegMultiplier:  dbg_rdata_o = RdataW'(mult_q);
            stem_pkg::RegPostShift:   dbg_rdata_o = RdataW'(post_shift_q);
            stem_pkg::RegRot:         dbg_rdata_o = RdataW'(rot_q);
            stem_pkg::RegDrlo:        dbg_rdata_o = RdataW'(drlo_q);
            stem_pkg::RegFlags:       dbg_rdata_o = RdataW'(flags_q);
            stem_pkg::RegFirstWindow: dbg_rdata_o = RdataW'(first_window_q);
            stem_pkg::RegNumSamples:  dbg_rdata_o = RdataW'(num_samples_q);
            stem_pkg::RegSignedAxons: dbg_rdata_o = RdataW'(signed_axons_q);
            default:                  dbg_rdata_o = '0;
          endcase
        end
        stem_pkg::RegionV: begin
          if (dbg_neuron_ok) dbg_rdata_o = RdataW'(vmem[dbg_nidx]);
        end
        stem_pkg::RegionI: begin
          if (dbg_neuron_ok) dbg_rdata_o = RdataW'($signed(cur_q[dbg_cur_off +: CurW]));
        end
        stem_pkg::RegionY: begin
          if (dbg_neuron_ok) dbg_rdata_o = RdataW'(y_q[dbg_y_off +: TimeSteps]);
        end
        stem_pkg::RegionStatus: begin
          unique case (dbg_index)
            stem_pkg::StatOverflows: dbg_rdata_o = RdataW'(ovf_cnt_q);
            stem_pkg::StatSpikesIn:  dbg_rdata_o = RdataW'(spikes_in_q);
            stem_pkg::StatSpikesOut: dbg_rdata_o = RdataW'(spikes_out_q);
            stem_pkg::StatStep:      dbg_rdata_o = RdataW'(t_q);
            stem_pkg::StatWindow:    dbg_rdata_o = RdataW'(w_q);
            stem_pkg::StatBusy:      dbg_rdata_o = RdataW'(busy_o);
            default:                 dbg_rdata_o = '0;
          endcase
        end
        default: dbg_rdata_o = '0;
      endcase
    end
  end

`ifndef SYNTHESIS
  // Simulation assertions (Verilator --assert builds; docs/verification.md), the control
  // properties scripts/formal.sh proves, checked in every cycle of a test run too.
  localparam int unsigned ABound = 2 * PassLen + 4 * NumNeurons + 8;
  logic [31:0] a_closing_q;  // consecutive cycles spent closing a step, clearing or initializing
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_closing_q <= '0;
    end else if (state_q == StIdle && !step_req_q) begin
      a_closing_q <= '0;
    end else begin
      a_closing_q <= a_closing_q + 32'd1;
      assert (!in_fire || (state_q == StIdle && !step_req_q))
        else $error("stem_core: a spike was accepted while the core is busy (state %0d, step request %0d)",
                    state_q, step_req_q);
      assert (!acc_v_q || state_q == StIdle)
        else $error("stem_core: a spike's current was added outside the idle state (state %0d)", state_q);
      assert (!(acc_v_q && cur_clear))
        else $error("stem_core: a spike's current was added while the currents are being cleared");
      assert (state_q == StClear || state_q == StIdle || state_q == StInit ||
              state_q == StInteg || state_q == StFinish || state_q == StLoad)
        else $error("stem_core: illegal state %0d", state_q);
      // n is 0..62 (docs/stem-spec.md); the mapper writes nothing else.
      assert (state_q != StFinish || post_shift_sel <= stem_pkg::PostShiftW'(62))
        else $error("stem_core: post shift n = %0d of neuron %0d is outside 0..62",
                    post_shift_sel, nidx);
      assert (a_closing_q <= ABound)
        else $error("stem_core: not back to idle %0d cycles after a step, clear or start (bound %0d)",
                    a_closing_q, ABound);
    end
  end
  // ---------------------------------------------------------------------------------------
  // Functional coverage (Verilator --coverage-user; scripts/coverage.sh counts every point,
  // docs/verification.md, "Coverage"). Simulation only.
  // ---------------------------------------------------------------------------------------
  // Every state, and every transition the control can take (start_i comes only while the
  // core is idle: the host waits for idle, so start leaves StIdle only).
  c_st_clear:     cover property (@(posedge clk_i) rst_ni && state_q == StClear);
  c_st_idle:      cover property (@(posedge clk_i) rst_ni && state_q == StIdle);
  c_st_init:      cover property (@(posedge clk_i) rst_ni && state_q == StInit);
  c_st_integ:     cover property (@(posedge clk_i) rst_ni && state_q == StInteg);
  c_st_finish:    cover property (@(posedge clk_i) rst_ni && state_q == StFinish);
  c_st_load:      cover property (@(posedge clk_i) rst_ni && state_q == StLoad);
  c_clear_idle:   cover property (@(posedge clk_i) rst_ni && state_q == StClear && state_d == StIdle);
  c_idle_init:    cover property (@(posedge clk_i) rst_ni && state_q == StIdle && state_d == StInit);
  c_idle_integ:   cover property (@(posedge clk_i) rst_ni && state_q == StIdle && state_d == StInteg);
  c_idle_finish:  cover property (@(posedge clk_i) rst_ni && state_q == StIdle && state_d == StFinish);
  c_idle_load:    cover property (@(posedge clk_i) rst_ni && state_q == StIdle && state_d == StLoad);
  c_init_idle:    cover property (@(posedge clk_i) rst_ni && state_q == StInit && state_d == StIdle);
  c_integ_finish: cover property (@(posedge clk_i) rst_ni && state_q == StInteg && state_d == StFinish);
  c_integ_load:   cover property (@(posedge clk_i) rst_ni && state_q == StInteg && state_d == StLoad);
  c_finish_load:  cover property (@(posedge clk_i) rst_ni && state_q == StFinish && state_d == StLoad);
  c_load_idle:    cover property (@(posedge clk_i) rst_ni && state_q == StLoad && state_d == StIdle);

  // Closing a step: with input (an integration pass), without (the pass skipped), and with
  // no neuron in use (NUM_NEURONS = 0: the currents dropped).
  logic cov_close;
  assign cov_close = rst_ni && state_q == StIdle && step_req_q && !out_valid_o && !acc_v_q &&
                     !start_i;
  c_close_with_input:    cover property (@(posedge clk_i) cov_close && num_neurons_q != '0 && any_in_q);
  c_close_without_input: cover property (@(posedge clk_i) cov_close && num_neurons_q != '0 && !any_in_q);
  c_close_no_neurons:    cover property (@(posedge clk_i) cov_close && num_neurons_q == '0);

  // Overflow events (counted ones) in wrap and in saturate builds, positive and negative:
  // the sign of the value before it is fitted into AccBits (the integration's sum, or the
  // rounded bias of V0).
  logic cov_ovf_neg;
  assign cov_ovf_neg = (state_q == StInteg) ? u_integrate.sum[$bits(u_integrate.sum) - 1]
                                             : u_bias_init.rounded[BiasBits];
  c_ovf_wrap_pos: cover property (@(posedge clk_i) rst_ni && ovf_event && Saturate == 0 && !cov_ovf_neg);
  c_ovf_wrap_neg: cover property (@(posedge clk_i) rst_ni && ovf_event && Saturate == 0 && cov_ovf_neg);
  c_ovf_sat_pos:  cover property (@(posedge clk_i) rst_ni && ovf_event && Saturate == 1 && !cov_ovf_neg);
  c_ovf_sat_neg:  cover property (@(posedge clk_i) rst_ni && ovf_event && Saturate == 1 && cov_ovf_neg);
  // ... and from each source: the integration pass and the bias of V0.
  c_ovf_integ:    cover property (@(posedge clk_i) rst_ni && ovf_event && state_q == StInteg);
  c_ovf_bias:     cover property (@(posedge clk_i) rst_ni && ovf_event && state_q != StInteg);

  // RoT and DRLO each changing a Y that is written (rounding to 2^RoT; cutting spikes).
  c_rot_changes:  cover property (@(posedge clk_i)
                                  rst_ni && y_we && u_finish.u_sparsify.y_rot != u_finish.y_clamped);
  c_drlo_changes: cover property (@(posedge clk_i)
                                  rst_ni && y_we && u_finish.u_sparsify.y_o != u_finish.u_sparsify.y_rot);
  // Y clamped at 0 (negative) and at 2^B - 1.
  c_y_clamp_low:  cover property (@(posedge clk_i) rst_ni && y_we && u_finish.y_pre[$bits(u_finish.y_pre) - 1]);
  c_y_clamp_high: cover property (@(posedge clk_i) rst_ni && y_we && !u_finish.y_pre[$bits(u_finish.y_pre) - 1] &&
                                  u_finish.y_clamped == '1 && u_finish.y_pre[TimeSteps-1:0] != '1);

  // Signed inputs: the sign step (FLAGS.Signed: the step-0 current negated when it is
  // integrated) and a spike on a signed axon (SIGNED_AXONS: its row subtracted).
  c_signed_step:  cover property (@(posedge clk_i)
                                  rst_ni && state_q == StInteg && inputs_signed && t_q == '0 && cur_rd != '0);
  c_signed_axon:  cover property (@(posedge clk_i) rst_ni && acc_v_q && acc_neg_q);

  // The bias: accumulated (V0 = bias, scaled) and added at the output (FLAGS.BiasAcc clear);
  // per-neuron requantization (FLAGS.NeuronRequant).
  c_bias_acc:     cover property (@(posedge clk_i)
                                  rst_ni && (state_q == StInit || state_q == StFinish) && bias_acc && v0 != '0);
  c_bias_out:     cover property (@(posedge clk_i) rst_ni && y_we && !bias_acc && b_rd != '0);
  c_neuron_requant: cover property (@(posedge clk_i) rst_ni && y_we && neuron_requant);
  c_scaled_shift: cover property (@(posedge clk_i) rst_ni && state_q == StInteg && shift_q != '0);

  // A configuration write while the core is busy (the write lands; the run goes on).
  c_cfg_while_busy: cover property (@(posedge clk_i) rst_ni && cfg_we_i && busy_o);

  // Backpressure at the core's ports: a spike held at the input, a spike held at the output.
  c_in_stall:     cover property (@(posedge clk_i) rst_ni && in_valid_i && !in_ready_o);
  c_out_stall:    cover property (@(posedge clk_i) rst_ni && out_valid_o && !out_ready_i);
`endif

`ifdef FORMAL
  // ---------------------------------------------------------------------------------------
  // Formal properties of the control (scripts/formal.sh; formal/stem_core_fv.sv constrains the
  // environment as the tile drives it: step and start pulses only while the core is idle).
  // ---------------------------------------------------------------------------------------
  // Consecutive cycles the core has been closing a step, clearing or initializing.
  localparam int unsigned FBound = 2 * PassLen + 4 * NumNeurons + 8;
  logic [7:0] f_closing_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_closing_q <= '0;
    end else if (state_q == StIdle && !step_req_q) begin
      f_closing_q <= '0;
    end else if (f_closing_q != 8'hff) begin
      f_closing_q <= f_closing_q + 8'd1;
    end
  end

  always_comb begin
    if (rst_ni) begin
      // No spike is accepted while a step is waiting to be closed or being closed.
      p_no_spike_closing: assert (!in_fire || (state_q == StIdle && !step_req_q));
      // The current of an accepted spike is added while idle, never during a pass.
      p_add_idle: assert (!acc_v_q || state_q == StIdle);
      p_add_not_cleared: assert (!(acc_v_q && cur_clear));
      // The state is a legal one.
      p_state_legal: assert (state_q == StClear || state_q == StIdle || state_q == StInit ||
                             state_q == StInteg || state_q == StFinish || state_q == StLoad);
      // Always back to idle: within FBound cycles of a step pulse (or of reset, or start).
      p_returns_idle: assert (32'(f_closing_q) <= FBound);
    end
  end
`endif

  /* verilator lint_on WIDTHCONCAT */

endmodule
