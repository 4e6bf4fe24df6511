// A toy stand-in for stem_mesh, for the bridge tests (ModelBuilder, ModelLibrary, MeshModel).
// Not the STEM core: it accepts flits from the host, accumulates their low AccBits bits into
// an AccBits-wide register (wrapping), and one cycle later echoes each flit to the host with
// to_host set and reports a spike of neuron (flit[31:0] mod NumNeurons) on the monitor. The
// debug port reads the accumulator (0), the step counter (1), a magic word (2) and the build
// parameters (16..26), so the tests can see that -G reached the RTL.
module toy_mesh
  import toy_pkg::*;
#(
  parameter int unsigned TimeSteps  = 8,
  parameter int unsigned WeightBits = 8,
  parameter int unsigned AccBits    = 16,
  parameter bit          Saturate   = 1'b0,
  parameter int unsigned NumNeurons = 64,
  parameter int unsigned NumAxons   = 64,
  parameter int unsigned BiasBits   = 32,
  parameter int unsigned MaxFanout  = 4,
  parameter int unsigned MeshX      = 2,
  parameter int unsigned MeshY      = 2,
  parameter int unsigned FifoDepth  = 4
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,
  input  logic        step_i,
  input  logic        in_valid_i,
  input  logic [63:0] in_flit_i,
  output logic        in_ready_o,
  output logic        out_valid_o,
  output logic [63:0] out_flit_o,
  input  logic        out_ready_i,
  output logic        mon_valid_o,
  output logic [15:0] mon_neuron_o,
  output logic        idle_o,
  output logic [31:0] step_o,
  input  logic        dbg_req_i,
  input  logic        dbg_we_i,
  input  logic [21:0] dbg_addr_i,
  input  logic [31:0] dbg_wdata_i,
  output logic [63:0] dbg_rdata_o
);
  logic [AccBits-1:0] acc_q, acc_d;
  logic               pending_q, pending_d;
  logic [63:0]        flit_q, flit_d;
  logic [31:0]        step_q, step_d;
  logic               in_fire, out_fire;

  assign in_ready_o  = !pending_q;
  assign in_fire     = in_valid_i && in_ready_o;
  assign out_valid_o = pending_q;
  assign out_fire    = out_valid_o && out_ready_i;
  assign out_flit_o  = flit_q | (64'd1 << 62);
  assign mon_valid_o = out_fire;
  assign mon_neuron_o = 16'(flit_q[31:0] % NumNeurons);
  assign idle_o      = !pending_q;
  assign step_o      = step_q;

  // Bits of the debug write data above AccBits are dropped.
  logic unused_wdata;
  assign unused_wdata = ^dbg_wdata_i;

  always_comb begin
    acc_d     = acc_q;
    pending_d = pending_q;
    flit_d    = flit_q;
    step_d    = step_q;
    if (out_fire) pending_d = 1'b0;
    if (in_fire) begin
      acc_d     = acc_q + in_flit_i[AccBits-1:0];
      pending_d = 1'b1;
      flit_d    = in_flit_i;
    end
    if (dbg_req_i && dbg_we_i && dbg_addr_i == 22'd0) acc_d = AccBits'(dbg_wdata_i);
    if (step_i) step_d = step_q + 32'd1;
    if (start_i) begin
      step_d    = '0;
      pending_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_q     <= '0;
      pending_q <= 1'b0;
      flit_q    <= '0;
      step_q    <= '0;
    end else begin
      acc_q     <= acc_d;
      pending_q <= pending_d;
      flit_q    <= flit_d;
      step_q    <= step_d;
    end
  end

  always_comb begin
    dbg_rdata_o = '0;
    if (dbg_req_i && !dbg_we_i) begin
      unique case (dbg_addr_i)
        22'd0:   dbg_rdata_o = 64'(acc_q);
        22'd1:   dbg_rdata_o = 64'(step_q);
        22'd2:   dbg_rdata_o = 64'(ToyMagic);
        22'd16:  dbg_rdata_o = 64'(TimeSteps);
        22'd17:  dbg_rdata_o = 64'(WeightBits);
        22'd18:  dbg_rdata_o = 64'(AccBits);
        22'd19:  dbg_rdata_o = 64'(Saturate);
        22'd20:  dbg_rdata_o = 64'(NumNeurons);
        22'd21:  dbg_rdata_o = 64'(NumAxons);
        22'd22:  dbg_rdata_o = 64'(MaxFanout);
        22'd23:  dbg_rdata_o = 64'(MeshX);
        22'd24:  dbg_rdata_o = 64'(MeshY);
        22'd25:  dbg_rdata_o = 64'(FifoDepth);
        22'd26:  dbg_rdata_o = 64'(BiasBits);
        default: dbg_rdata_o = '0;
      endcase
    end
  end
endmodule
