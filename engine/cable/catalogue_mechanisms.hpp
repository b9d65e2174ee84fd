#pragma once
// The catalogue mechanisms and ions of the cells of a cable group (docs/mechanisms.md).
// CatalogueKind lays the mechanisms of one cell description over its nodes (instances, their
// parameter values, the ions they share); CatalogueBlock holds one block's fields and ion state,
// lane-minor like the rest of the group, and runs the mechanisms' kernels on it.
#include "aligned_vector.hpp"
#include "cable_cell.hpp"
#include "cable_layout.hpp"
#include "ion_species.hpp"
#include "mechanism_catalogue.hpp"
#include "engine/cell_state.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parnet::cable {

constexpr std::size_t mechanism_lanes = PARNET_LANES;

struct IonKind {
    std::string name;
    int valence = 1;
    IonStyle style;
    IonDefaults defaults;
    std::vector<std::pair<std::uint32_t, double>> reversal_at;   // (node, mV) set by the sections
};

struct MechanismKind {
    std::shared_ptr<const Mechanism> mechanism;
    std::vector<std::uint32_t> node;          // per instance
    std::vector<double> area, diam;           // per instance
    std::vector<std::vector<double>> values;  // [field][instance]: initial values
    std::vector<double> globals;
    std::vector<double> prepared;             // the mechanism's prepare() output
    std::vector<std::uint32_t> ion;           // per ion use: index into CatalogueKind::ions
};

enum class IonQuantity { reversal = 0, current = 1, inside = 2, outside = 3 };

class CatalogueKind {
public:
    // `own` (per node), if given, keeps the instances on those nodes only (a split cell's pieces
    // on one thread); the ions and their styles are the whole cell's.
    CatalogueKind(const CableCellDescription& cell, const CableLayout& layout,
                  const std::vector<char>* own = nullptr);
    bool empty() const { return mechanisms.empty() && ions.empty(); }

    std::vector<IonKind> ions;
    std::vector<MechanismKind> mechanisms;
    // Per synapse of the description: (mechanism, instance) of its point process, if it has one.
    std::vector<std::optional<std::pair<std::uint32_t, std::uint32_t>>> synapse;
    double celsius = 6.3;
    // The ca ion, on cells with reaction-diffusion calcium (its writer of cai).
    std::optional<std::uint32_t> calcium_ion;

    // A probe variable: "NAME_SUFFIX" (a field of a density mechanism) or an ion quantity
    // ("ena", "ina", "cai", "cao"); none when the description has no such variable there.
    struct Variable {
        bool ion = false;
        std::uint32_t index = 0;   // mechanism or ion
        std::uint32_t field = 0;   // field or IonQuantity
    };
    std::optional<Variable> variable(const std::string& name) const;
    // Instance of density mechanism m at a node, if any.
    std::optional<std::uint32_t> instance_at(std::uint32_t m, std::uint32_t node) const;
    // Doubles of the weight vector each connection onto synapse `synapse` carries (NET_RECEIVE's
    // arguments, docs/mechanisms.md "Weight vectors"); 0 where events carry only their weight.
    std::uint32_t weight_vector_size(std::uint32_t synapse) const;
};

class CatalogueBlock {
public:
    static constexpr std::size_t W = mechanism_lanes;
    // Fields at their values and ions at NEURON's defaults, then every INITIAL at v and one
    // evaluation of the currents, as NEURON's finitialize.
    CatalogueBlock(const CatalogueKind& kind, std::size_t nodes, const double* v, double dt);
    // Kernels' net_send reaches the block through its address.
    CatalogueBlock(const CatalogueBlock&) = delete;
    CatalogueBlock& operator=(const CatalogueBlock&) = delete;

    // Before the mechanisms' currents: ion currents to 0, reversal potentials by Nernst where
    // NEURON recomputes them. Then the currents into rhs and d.
    void currents(const CatalogueKind& kind, const double* v, double* rhs, double* d, double t, double dt);
    // States at the new v (SOLVE), in placement order.
    void states(const CatalogueKind& kind, const double* v, double t, double dt);
    // An event from a connection to synapse `synapse` at time t (NET_RECEIVE's t, flag 0).
    void net_receive(const CatalogueKind& kind, std::uint32_t synapse, std::uint32_t lane, double weight,
                     const double* v, double t, double dt);
    // Self events (net_send) of a lane due at step n (NEURON's rule, delivery_step) and no later
    // than `until` (ms), delivered in time order (ties in the order they were sent), including
    // those that NET_RECEIVE sends meanwhile. The step of the next one of any lane, if any.
    void deliver_self_events(const CatalogueKind& kind, std::uint32_t lane, std::int64_t n, double until,
                             const double* v, double dt);
    std::optional<std::int64_t> next_self_event_step(double dt) const;

    // Weight vectors: a lane's connections onto synapses with weight_vector_size > 0, each added
    // once at the start in the order of the cell's incoming list (`connection` is its index there),
    // with its weight; the other slots are 0, then NET_RECEIVE's INITIAL runs on them.
    void add_connection(const CatalogueKind& kind, std::uint32_t lane, std::uint32_t connection, std::uint32_t synapse,
                        double weight, const double* v, double dt);
    // An event from connection `connection` of the lane (added before): NET_RECEIVE on its vector.
    void net_receive_connection(const CatalogueKind& kind, std::uint32_t lane, std::uint32_t connection,
                                const double* v, double t, double dt);

    const double* field(std::uint32_t m, std::uint32_t f, std::uint32_t instance, std::uint32_t lane) const {
        return fields_[m][f].data() + instance * W + lane;
    }
    const double* ion(std::uint32_t i, IonQuantity q, std::uint32_t node, std::uint32_t lane) const {
        return ions_[i][static_cast<std::size_t>(q)].data() + node * W + lane;
    }
    // A probe of ion i's quantity q at a node: as ion(), and a reversal potential NEURON recomputes
    // (its concentrations written) though no mechanism of the cell reads it is recomputed at that
    // node too, now and before every step, so the probe shows NEURON's value (unprobed nodes keep
    // their initial value: nothing reads it).
    const double* probe_ion(const CatalogueKind& kind, std::uint32_t i, IonQuantity q, std::uint32_t node,
                            std::uint32_t lane);
    // Ion i's quantity at every node and lane (a writer outside the catalogue: rxd calcium).
    double* ion_values(std::uint32_t i, IonQuantity q) { return ions_[i][static_cast<std::size_t>(q)].data(); }

    // One lane's fields (every field of every instance but the compiler's hidden ones) and ion
    // state, for checkpoints.
    void save_lane(std::uint32_t lane, CellStateWriter& out) const;
    void restore_lane(std::uint32_t lane, CellStateReader& in);

private:
    static constexpr std::uint32_t no_slot = 0xffffffffu;
    struct SelfEvent {
        double time, flag, weight;
        std::uint32_t mechanism, instance, lane;
        std::uint64_t sequence;
        std::uint32_t slot;   // the weight vector of the connection whose event sent it, or no_slot
    };
    // One lane's weight vectors: slot s (the s-th connection added) is connection[s] onto
    // synapse[s], its values at values[offset[s] ...]; slot_of maps a connection index to its slot.
    struct WeightVectors {
        std::vector<std::uint32_t> slot_of, synapse, offset;
        std::vector<double> values;
    };
    double* weight_vector(const CatalogueKind& kind, const SelfEvent& e);
    struct SendContext {
        CatalogueBlock* block;
        std::uint32_t mechanism;
    };
    static void net_send(void* context, std::uint32_t instance, std::uint32_t lane, double time, double flag,
                         double weight);

    parnet_mechanism_block make_view(const CatalogueKind& kind, std::size_t m) const;
    // Mechanism m's block with this call's voltages, matrix and times (the rest is set once).
    const parnet_mechanism_block* view(std::size_t m, const double* v, double* rhs, double* d, double t, double dt);

    std::vector<std::shared_ptr<const Mechanism>> mechanisms_;  // [mechanism]
    std::vector<std::vector<aligned_vector<double>>> fields_;   // [mechanism][field], hidden ones last
    std::vector<std::vector<double*>> field_pointers_;
    std::vector<std::array<aligned_vector<double>, 4>> ions_;   // [ion][IonQuantity], per node and lane
    std::vector<std::vector<std::uint32_t>> probed_reversal_;   // [ion]: nodes probe_ion follows
    std::vector<std::vector<parnet_ion_state>> ion_views_;      // [mechanism][ion use]
    std::vector<SendContext> send_contexts_;                    // [mechanism]
    std::vector<parnet_mechanism_block> views_;                 // [mechanism]
    std::vector<SelfEvent> self_events_;                        // pending, unordered
    std::uint64_t sent_ = 0;
    std::array<WeightVectors, W> weight_vectors_;                // [lane]
    std::uint32_t receiving_slot_ = no_slot;                    // net_send's slot (SelfEvent::slot)
    std::vector<double> scratch_vector_;   // events of no connection: from INITIAL, the planner
};

}  // namespace parnet::cable
