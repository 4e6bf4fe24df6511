/* stem_verilator_output.h: where a model library's Verilator output goes.
 *
 * Model libraries are compiled with `-include stem_verilator_output.h -DVL_PRINTF=stem_vl_printf`
 * (ModelBuilder.verilatorArguments), so that Verilator's runtime and the generated model print
 * through stem_vl_printf (defined in shim/shim_common.h). The shim keeps what they print (a
 * failed assertion's message) for its error messages instead of letting it reach stdout, which
 * may carry a spike record. Not part of the C ABI (stem_shim.h). */
#ifndef STEM_VERILATOR_OUTPUT_H
#define STEM_VERILATOR_OUTPUT_H

#ifdef __cplusplus
int stem_vl_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
#endif

#endif /* STEM_VERILATOR_OUTPUT_H */
