#include "stem_bench.h"

#include <string.h>

int64_t stem_bench_replay(int32_t layer_count, const int16_t *const *weights, const int32_t *widths,
                          int32_t *const *currents, const int32_t *event_layers,
                          const int32_t *event_rows, const int64_t *step_ends, int64_t step_count) {
    int64_t checksum = 0;
    int64_t e = 0;
    for (int64_t s = 0; s < step_count; s++) {
        for (int32_t l = 0; l < layer_count; l++) {
            memset(currents[l], 0, (size_t)widths[l] * sizeof(int32_t));
        }
        for (; e < step_ends[s]; e++) {
            const int32_t l = event_layers[e];
            const int32_t n = widths[l];
            const int16_t *row = weights[l] + (int64_t)event_rows[e] * n;
            int32_t *sum = currents[l];
            for (int32_t j = 0; j < n; j++) {
                sum[j] += row[j];
            }
        }
        for (int32_t l = 0; l < layer_count; l++) {
            checksum += currents[l][0];
        }
    }
    return checksum;
}
