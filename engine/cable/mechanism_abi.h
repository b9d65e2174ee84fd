/* The interface between the cable group and a compiled membrane mechanism (docs/mechanisms.md).
 *
 * A plain C interface so that a catalogue compiled on its own (parnet-modcc DIR -o NAME.so) can be
 * loaded into any engine built against the same PARNET_MECHANISM_ABI_VERSION. Modelled on Arbor's
 * arbor_mechanism_interface, sized for parnet: every array a kernel sees belongs to one SIMD block
 * of PARNET_LANES cells of one description, stored lane-minor like the rest of the cable group:
 *   per node      v[node * PARNET_LANES + lane]     (v, rhs, d, ion arrays)
 *   per instance  field[instance * PARNET_LANES + lane]
 * A kernel computes lane l only from lane l's values, so a cell's bits never depend on the cells
 * that share its block. */
#ifndef PARNET_MECHANISM_ABI_H
#define PARNET_MECHANISM_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PARNET_MECHANISM_ABI_VERSION 5
#define PARNET_LANES 8

/* An artificial cell (NMODL's ARTIFICIAL_CELL) is a cell of its own: no membrane, no node; its
 * kernels see one instance per block, the block's lanes being cells (engine/cells/artificial_group). */
typedef enum { parnet_density = 0, parnet_point_process = 1, parnet_artificial_cell = 2 } parnet_mechanism_kind;

/* A named value with its units and default: a field (per instance and lane) or a global. */
typedef struct {
    const char* name;
    const char* units;
    double default_value;
} parnet_variable;

/* How a mechanism uses an ion (USEION name READ ... WRITE ... VALENCE z). */
typedef struct {
    const char* name;
    int valence;
    int reads_reversal;      /* READ eX */
    int reads_inside;        /* READ Xi */
    int reads_outside;       /* READ Xo */
    int writes_current;      /* WRITE iX */
    int writes_inside;       /* WRITE Xi */
    int writes_outside;      /* WRITE Xo */
} parnet_ion_use;

/* One ion's state at the block's nodes, per node and lane. */
typedef struct {
    double* reversal;        /* mV */
    double* current;         /* summed over mechanisms: mA/cm2 */
    double* inside;          /* mM */
    double* outside;         /* mM */
} parnet_ion_state;

/* What a kernel operates on: the instances of one mechanism in one block. */
typedef struct {
    uint32_t count;                 /* instances */
    const uint32_t* node;           /* per instance: its node in the block */
    const double* area;             /* per instance: the node's area, um2 */
    const double* diam;             /* per instance: the section's diameter, um */
    double t, dt, celsius;
    const double* v;                /* per node and lane, mV */
    double* rhs;                    /* per node and lane: the matrix right-hand side, mA/cm2 */
    double* d;                      /* per node and lane: the matrix diagonal, S/cm2 */
    double* const* fields;          /* [field][instance * PARNET_LANES + lane] */
    const double* globals;          /* [global] */
    const parnet_ion_state* ions;   /* [ion use] */
    const double* prepared;         /* what prepare() computed (rate tables) */
    /* net_send of a point process (INITIAL, NET_RECEIVE): an event to the same instance and lane
     * at `time` (ms) with `flag`, carrying `weight` (the weight of the event being received; 0
     * from INITIAL). Null where the cable group takes no self events. */
    void (*net_send)(void* context, uint32_t instance, uint32_t lane, double time, double flag, double weight);
    void* net_send_context;
    /* Artificial cells only (null elsewhere), with net_send's context: net_event(time) emits the
     * lane's spike at `time`; net_move(time) moves the lane's latest pending flag-1 self event to
     * `time` (NEURON's net_move). */
    void (*net_event)(void* context, uint32_t lane, double time);
    void (*net_move)(void* context, uint32_t instance, uint32_t lane, double time);
} parnet_mechanism_block;

typedef struct {
    const char* name;               /* SUFFIX or POINT_PROCESS name */
    parnet_mechanism_kind kind;
    /* Fields, in this order: parameters (RANGE PARAMETERs), assigned, states. */
    const parnet_variable* fields;
    uint32_t parameter_count, assigned_count, state_count;
    const parnet_variable* globals; /* GLOBAL and non-RANGE PARAMETERs */
    uint32_t global_count;
    const parnet_ion_use* ions;
    uint32_t ion_count;
    /* Doubles prepare() fills from the globals and celsius (0: no prepare). */
    size_t prepared_size;
    void (*prepare)(const double* globals, double celsius, double* prepared);
    void (*init)(const parnet_mechanism_block*);          /* INITIAL */
    void (*current)(const parnet_mechanism_block*);       /* BREAKPOINT currents into rhs, d, ions */
    void (*state)(const parnet_mechanism_block*);         /* SOLVE: states at the new v */
    /* NET_RECEIVE of one instance and lane (point processes; null otherwise): t is the event's
     * time, flag 0 for events from connections, net_send's flag for self events. */
    void (*net_receive)(const parnet_mechanism_block*, uint32_t instance, uint32_t lane, double weight,
                        double flag);
    /* NEURON's weight vector (NET_RECEIVE(w, a1, ...) or an INITIAL inside NET_RECEIVE): instead of
     * net_receive, each connection carries `argument_count` doubles (the weight first) that the
     * cable group keeps per connection; net_receive_vector reads and writes them in place (self
     * events get those of the connection whose event sent them), net_receive_initial runs
     * NET_RECEIVE's INITIAL on them once per connection at the start. 0 and null otherwise. */
    uint32_t argument_count;
    void (*net_receive_vector)(const parnet_mechanism_block*, uint32_t instance, uint32_t lane, double* arguments,
                               double flag);
    void (*net_receive_initial)(const parnet_mechanism_block*, uint32_t instance, uint32_t lane, double* arguments);
    /* Fields the compiler adds after the states, stored per instance and lane like the others:
     * values that depend only on parameters no block writes, GLOBALs, celsius and dt (cnexp's
     * 1 - exp(-dt/tau) of a RANGE tau), and the dt they were computed for (default -1: none), so a
     * kernel recomputes them when dt differs. Not variables of the model: not found by name, not
     * saved in checkpoints (a restored lane gets the defaults and its kernels recompute them). */
    uint32_t hidden_count;
} parnet_mechanism;

typedef struct {
    int abi_version;                /* PARNET_MECHANISM_ABI_VERSION */
    const char* name;
    uint32_t count;
    const parnet_mechanism* const* mechanisms;
} parnet_catalogue;

/* The entry point a catalogue shared library exports. */
typedef const parnet_catalogue* (*parnet_catalogue_entry)(void);
#define PARNET_CATALOGUE_ENTRY "parnet_get_catalogue"

#ifdef __cplusplus
}
#endif

#endif
