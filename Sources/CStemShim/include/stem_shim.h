/*
 * stem_shim.h: the C ABI between stem-cosim (Swift) and a Verilated model of the STEM mesh.
 *
 * A model library (libstem_model.so) is built by ModelBuilder from rtl/ plus the shim C++
 * (Sources/CStemShim/shim/) for one parameter set. It exports exactly two symbols:
 *
 *   const stem_shim_api *stem_shim_v1(void);   the STEM mesh (top: stem_mesh)
 *   const stem_noc_api  *stem_noc_v1(void);    the bare NoC  (top: stem_noc), noc builds only
 *
 * (a library exports the one its top has). The caller dlopens the library, looks the symbol up
 * once, checks abi_version == STEM_SHIM_ABI_VERSION and struct_size, and calls through the table.
 *
 * Rules of the ABI
 *  - Opaque handles. Every function that takes a handle checks it (NULL or a destroyed handle
 *    gives STEM_E_HANDLE) and returns a stem_status; details go to last_error(handle).
 *  - No per-cycle crossing: step() clocks the model to quiescence inside C++.
 *  - Pointers returned inside result structs point into the model and stay valid until the
 *    next call on the same handle.
 *  - A handle is used by one thread at a time; different handles are independent.
 *  - The shim knows nothing of flit layouts: the caller encodes and decodes flits
 *    (docs/hardware-interface.md); the shim moves them and runs the clock.
 */
#ifndef STEM_SHIM_H
#define STEM_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STEM_SHIM_ABI_VERSION 1u

/** Status codes returned by every call. */
typedef enum stem_status {
    STEM_OK = 0,
    STEM_E_HANDLE = 1,      /* NULL, foreign or destroyed handle */
    STEM_E_ARGUMENT = 2,    /* an argument out of range (tile, address, NULL pointer, ...) */
    STEM_E_STATE = 3,       /* call out of order (step before start, trace on untraced build) */
    STEM_E_TIMEOUT = 4,     /* the mesh did not reach quiescence within the cycle limit */
    STEM_E_IO = 5,          /* a trace file could not be opened or written */
    STEM_E_INTERNAL = 6,    /* anything else (an exception inside the model) */
    STEM_E_ASSERTION = 7    /* an RTL assertion failed (libraries built with --assert), or the
                               shim's own check of the mesh's step counter step_o (every build);
                               the message names the instance, the time and the assertion's text.
                               The model then refuses to run until reset(). */
} stem_status;

/** Trace formats a model library was built with. */
typedef enum stem_trace_kind {
    STEM_TRACE_NONE = 0,
    STEM_TRACE_VCD = 1,
    STEM_TRACE_FST = 2
} stem_trace_kind;

/** The build-time parameters of a model library (docs/hardware-interface.md). */
typedef struct stem_params {
    uint32_t time_steps;
    uint32_t weight_bits;
    uint32_t acc_bits;
    uint32_t saturate;
    uint32_t num_neurons;
    uint32_t num_axons;
    uint32_t mult_bits;
    uint32_t bias_bits;
    uint32_t max_fanout;
    uint32_t mesh_x;
    uint32_t mesh_y;
    uint32_t fifo_depth;
    uint32_t trace_kind; /* stem_trace_kind */
} stem_params;

/** One spike event seen on the spike monitor: a core sent a spike. */
typedef struct stem_spike {
    uint16_t tile;   /* y * mesh_x + x */
    uint16_t neuron; /* the neuron's index inside its core */
} stem_spike;

/** What one time step produced. */
typedef struct stem_step_result {
    const stem_spike *spikes;        /* every spike sent by a core, in the order sent */
    size_t num_spikes;
    const uint64_t *host_flits;      /* every flit that reached the host */
    const uint64_t *host_cycles;     /* the mesh cycle counter when each of them arrived */
    size_t num_host_flits;
    uint64_t cycles;                 /* clock cycles of this step (pulse to quiescence) */
    uint64_t step;                   /* tau, the step this result belongs to */
} stem_step_result;

/** Running totals since create(). */
typedef struct stem_counters {
    uint64_t cycles;        /* all clock cycles, configuration included */
    uint64_t run_cycles;    /* cycles inside step() since the last start() */
    uint64_t steps;         /* steps since the last start() */
    uint64_t host_flits_in; /* flits the host injected since the last start() */
    uint64_t host_flits_out;/* flits that reached the host since the last start() */
    uint64_t spikes;        /* spike events on the monitor since the last start() */
    uint64_t config_writes; /* configuration writes since create() (both paths) */
} stem_counters;

typedef struct stem_model stem_model;

/** The function table of a STEM mesh model library. */
typedef struct stem_shim_api {
    uint32_t abi_version; /* STEM_SHIM_ABI_VERSION */
    uint32_t struct_size; /* sizeof(stem_shim_api) */

    /** Message of the last failed call on m ("" if none). Never NULL, also for a bad m. */
    const char *(*last_error)(const stem_model *m);
    /** Message of the last failed create() on this thread. */
    const char *(*create_error)(void);

    /** Creates a model (held in reset-released, unconfigured state). */
    int (*create)(stem_model **out);
    /** Destroys a model, closing any open trace. */
    int (*destroy)(stem_model *m);
    /** The build-time parameters. */
    int (*get_params)(const stem_model *m, stem_params *out);

    /** Asserts rst_ni for a few cycles: clears configuration and run state. */
    int (*reset)(stem_model *m);
    /** Sends configuration flits through the host port and clocks until the mesh is idle. */
    int (*configure)(stem_model *m, const uint64_t *flits, size_t count);
    /** Writes configuration through the debug port (backdoor): tiles[i], addrs[i] <- data[i]. */
    int (*configure_backdoor)(stem_model *m, const uint32_t *tiles, const uint32_t *addrs,
                              const uint32_t *data, size_t count);
    /** Pulses start_i and clocks until idle: every core is at window 0, step 0. */
    int (*start)(stem_model *m);
    /**
     * Runs one time step (docs/hardware-interface.md, "The step protocol"): closes the
     * previous step unless this is the first since start(), injects the host's flits, clocks
     * to quiescence and reports what the step produced.
     */
    int (*step)(stem_model *m, const uint64_t *host_flits, size_t count, stem_step_result *out);
    /** Reads count consecutive debug addresses of one tile (combinational, costs no cycle). */
    int (*peek)(stem_model *m, uint32_t tile, uint32_t addr, uint32_t count, int64_t *out);
    /** Running totals. */
    int (*counters)(const stem_model *m, stem_counters *out);
    /** Cycles a step (or configure/start) may take before STEM_E_TIMEOUT; 0 = the default. */
    int (*set_cycle_limit)(stem_model *m, uint64_t max_cycles);
    /**
     * Randomly holds host_out_ready low with probability permille/1000 (a deterministic
     * sequence from seed); 0 turns it off. For backpressure tests.
     */
    int (*set_host_backpressure)(stem_model *m, uint32_t permille, uint64_t seed);

    /**
     * Opens a waveform (VCD or FST, as the library was built) recording steps
     * from_step..to_step inclusive (to_step = UINT64_MAX: to the end), depth levels
     * (0 = all). STEM_E_STATE on an untraced build.
     */
    int (*trace_open)(stem_model *m, const char *path, uint32_t depth, uint64_t from_step,
                      uint64_t to_step);
    /** Flushes and closes the waveform. */
    int (*trace_close)(stem_model *m);

    /**
     * Like create(), but every variable of the RTL starts with a random value from seed
     * (Verilator's randReset(2)) instead of zero, so that a flop or memory the reset does not
     * clear shows up as a mismatch instead of being hidden by zeros. For tests; the same seed
     * gives the same values.
     */
    int (*create_randomized)(stem_model **out, uint64_t seed);

    /**
     * Writes the coverage this model has counted since create() (line, toggle and the RTL's
     * cover points) to path, in Verilator's coverage format (merge with verilator_coverage;
     * scripts/coverage.sh). Each call writes all of it again. STEM_E_STATE on a library built
     * without coverage (ModelParameters.coverage), STEM_E_IO if path cannot be written.
     */
    int (*coverage_write)(stem_model *m, const char *path);
} stem_shim_api;

/** Entry point of a STEM mesh model library. */
const stem_shim_api *stem_shim_v1(void);

/* ------------------------------------------------------------------------------------------
 * The bare network-on-chip (top stem_noc: routers only, every local port driven by the shim),
 * for the NoC benchmark and the scoreboard tests. The traffic loop runs inside C++.
 * ---------------------------------------------------------------------------------------- */

typedef enum stem_noc_pattern {
    STEM_NOC_UNIFORM = 0,   /* destination uniform over all other tiles */
    STEM_NOC_TRANSPOSE = 1, /* (x, y) -> (y, x); tiles on the diagonal do not send */
    STEM_NOC_HOTSPOT = 2    /* half the flits to tile (MeshX/2, MeshY/2), the rest uniform */
} stem_noc_pattern;

typedef struct stem_noc_run {
    uint32_t pattern;         /* stem_noc_pattern */
    double rate;              /* offered load: flits per node per cycle, 0..1 */
    uint64_t warmup_cycles;   /* not measured */
    uint64_t measure_cycles;  /* flits generated in this interval are measured */
    uint64_t drain_cycles;    /* at most this long to deliver the measured flits */
    uint32_t sink_backpressure_permille; /* local sinks not ready with this probability */
    uint64_t seed;
} stem_noc_run;

typedef struct stem_noc_result {
    uint64_t generated;       /* flits generated in the measured interval (the measured flits) */
    uint64_t offered;         /* flits that entered the network in the measured interval (below
                                 generated when the source queues grow: beyond saturation) */
    uint64_t delivered;       /* measured flits delivered (by the end of the drain) */
    double accepted_rate;     /* flits that left the network in the measured interval /
                                 (nodes * measure_cycles): the steady-state throughput */
    double mean_latency;      /* cycles from generation (source queueing included) */
    double mean_network_latency; /* cycles from entering the router to leaving it */
    uint64_t max_latency;
    /* scoreboard: all must be 0 */
    uint64_t misrouted;       /* delivered at a tile other than its destination */
    uint64_t duplicated;      /* delivered more than once */
    uint64_t reordered;       /* out of order within a source/destination pair */
    uint64_t lost;            /* never delivered within drain_cycles (a deadlock shows here) */
} stem_noc_result;

typedef struct stem_noc stem_noc;

typedef struct stem_noc_api {
    uint32_t abi_version;
    uint32_t struct_size;
    const char *(*last_error)(const stem_noc *n);
    const char *(*create_error)(void);
    int (*create)(stem_noc **out);
    int (*destroy)(stem_noc *n);
    int (*get_params)(const stem_noc *n, stem_params *out);
    /** Resets the NoC and runs one traffic experiment. */
    int (*run)(stem_noc *n, const stem_noc_run *spec, stem_noc_result *out);
    /**
     * Like create(), but every variable of the RTL starts with a random value from seed
     * (Verilator's randReset(2)) instead of zero, so that a flop the reset does not clear
     * shows up in the scoreboard instead of being hidden by zeros. For tests; the same seed
     * gives the same values.
     */
    int (*create_randomized)(stem_noc **out, uint64_t seed);
    /** Writes the coverage counted since create(), as stem_shim_api.coverage_write does. */
    int (*coverage_write)(stem_noc *n, const char *path);
} stem_noc_api;

/** Entry point of a bare-NoC model library. */
const stem_noc_api *stem_noc_v1(void);

#ifdef __cplusplus
}
#endif

#endif /* STEM_SHIM_H */
