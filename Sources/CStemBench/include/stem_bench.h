/*
 * stem_bench.h: the baseline of `stemsim bench`: the golden model's synaptic adds done by a
 * plain C loop, on the same spike events, so the two rates can be compared in one run.
 */
#ifndef STEM_BENCH_H
#define STEM_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Replays spike events: for each step, zeroes every layer's currents, then for each event e of
 * the step adds row event_rows[e] of layer event_layers[e]'s transposed weight matrix
 * (widths[l] int16 weights per row) to that layer's int32 currents.
 *
 * Step s holds the events step_ends[s-1] .. step_ends[s]-1 (step_ends[-1] = 0).
 * Returns a checksum of the currents after each step (so nothing is optimized away).
 */
int64_t stem_bench_replay(int32_t layer_count, const int16_t *const *weights, const int32_t *widths,
                          int32_t *const *currents, const int32_t *event_layers,
                          const int32_t *event_rows, const int64_t *step_ends, int64_t step_count);

#ifdef __cplusplus
}
#endif

#endif /* STEM_BENCH_H */
