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
    CatalogueKind(const CableCellDescription& cell, const CableLayout& layout);
    bool empty() const { return mechanisms.empty(); }

    std::vector<IonKind> ions;
    std::vector<MechanismKind> mechanisms;
    // Per synapse of the description: (mechanism, instance) of its point process, if it has one.
    std::vector<std::optional<std::pair<std::uint32_t, std::uint32_t>>> synapse;
    double celsius = 6.3;

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
};

class CatalogueBlock {
public:
    static constexpr std::size_t W = mechanism_lanes;
    // Fields at their values and ions at NEURON's defaults, then every INITIAL at v and one
    // evaluation of the currents, as NEURON's finitialize.
    CatalogueBlock(const CatalogueKind& kind, std::size_t nodes, const double* v, double dt);

    // Before the mechanisms' currents: ion currents to 0, reversal potentials by Nernst where
    // NEURON recomputes them. Then the currents into rhs and d.
    void currents(const CatalogueKind& kind, const double* v, double* rhs, double* d, double t, double dt);
    // States at the new v (SOLVE), in placement order.
    void states(const CatalogueKind& kind, const double* v, double t, double dt);
    void net_receive(const CatalogueKind& kind, std::uint32_t synapse, std::uint32_t lane, double weight,
                     const double* v, double t, double dt);

    const double* field(std::uint32_t m, std::uint32_t f, std::uint32_t instance, std::uint32_t lane) const {
        return fields_[m][f].data() + instance * W + lane;
    }
    const double* ion(std::uint32_t i, IonQuantity q, std::uint32_t node, std::uint32_t lane) const {
        return ions_[i][static_cast<std::size_t>(q)].data() + node * W + lane;
    }

    // One lane's fields (every field of every instance) and ion state, for checkpoints.
    void save_lane(std::uint32_t lane, CellStateWriter& out) const;
    void restore_lane(std::uint32_t lane, CellStateReader& in);

private:
    parnet_mechanism_block view(const CatalogueKind& kind, std::size_t m, const double* v, double* rhs,
                                double* d, double t, double dt) const;

    std::vector<std::vector<aligned_vector<double>>> fields_;   // [mechanism][field]
    std::vector<std::vector<double*>> field_pointers_;
    std::vector<std::array<aligned_vector<double>, 4>> ions_;   // [ion][IonQuantity], per node and lane
    std::vector<std::vector<parnet_ion_state>> ion_views_;      // [mechanism][ion use]
};

}  // namespace parnet::cable
