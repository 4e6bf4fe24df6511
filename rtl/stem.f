// rtl/stem.f: the RTL of the STEM mesh in compile order (the package first), the one file list
// (the way Ibex keeps ibex_core.f). Paths are relative to this file's folder; `+incdir+.`
// makes it the include path, since every file includes stem_pkg.sv.
//
// Read by ModelBuilder (`stemsim cache path --command` prints the Verilator command it makes),
// scripts/lint-rtl.sh, scripts/build-model.sh, testbenches/systemc/build.sh and
// testbenches/synth/core_area.sh. Verilator reads it directly too:
//   verilator --lint-only -Wall --top-module stem_mesh -F rtl/stem.f
// Every .sv file in rtl/ must be listed (a test checks it).
+incdir+.
stem_pkg.sv
stem_bias_init.sv
stem_core.sv
stem_ffs.sv
stem_fifo.sv
stem_finish.sv
stem_fit.sv
stem_index_split.sv
stem_integrate.sv
stem_mesh.sv
stem_mesh_router.sv
stem_noc.sv
stem_round_shift.sv
stem_sparsify.sv
stem_tile.sv
