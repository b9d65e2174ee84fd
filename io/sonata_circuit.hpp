#pragma once
// A SONATA circuit as parnet sees it (docs/sonata-input.md): the node populations become parnet
// populations in a documented gid order, their node types become cell kinds and parameters, the
// virtual nodes spike sources replaying the config's spike inputs, and the edges connections read
// target-centred through the edge files' target index.
//
// Gids: populations are numbered in the order of the config's networks.nodes entries and, within
// a nodes file, in HDF5 name order; gid = (first gid of the population) + node_id. Output files
// name the SONATA population and the node_id, so nothing of this numbering leaks out.
#include "engine/cable/cable_cell.hpp"
#include "engine/cable/mechanism_catalogue.hpp"
#include "engine/connection.hpp"
#include "engine/model.hpp"
#include "io/sonata_config.hpp"
#include "io/sonata_edges.hpp"
#include "io/sonata_nodes.hpp"
#include "io/sonata_type_table.hpp"

#include <memory>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <span>
#include <unordered_map>

namespace parnet::io {

// What a node type makes of its nodes.
struct SonataNodeModel {
    CellKind kind = CellKind::lif;
    std::map<std::string, double> params;  // the kind's parameters (defaults, then dynamics_params)
    // biophysical: the cell without synapses (morphology and dynamics_params; io/sonata_biophysical)
    std::shared_ptr<const CableCellDescription> cell;
};

class SonataCircuit {
public:
    // Reads the node files, the type tables, the edge files' headers and the spike inputs; edges
    // are read by load_incoming.
    explicit SonataCircuit(const SonataConfig& config);

    const SonataConfig& config() const { return config_; }
    // Populations (gid ranges, kinds, replay times of virtual nodes), run settings, recordings.
    const Model& model() const { return model_; }

    // The value of a kind parameter for gid g: its node type's, or the node's own from
    // <group>/dynamics_params/<name>.
    double parameter(Gid g, const std::string& name) const;

    // Reads the incoming edges of these gids (each rank its own cells), so that incoming() answers
    // from memory; other gids are read from the file when asked.
    void load_incoming(std::span<const Gid> gids);
    // Frees what load_incoming read (once the cells are built); incoming() then reads the file.
    void forget_loaded();
    // All connections onto g, in canonical order: the config's edge files in order, their
    // populations in name order, edge ids ascending.
    std::vector<Connection> incoming(Gid g) const;
    // A biophysical cell: its node type's cell with one synapse per incoming edge, in the order
    // of incoming(g) (Connection::synapse is the edge's synapse), once load_incoming has read
    // g's edges. Before that (the decomposition's cost estimates, a detector list), the node
    // type's cell without synapses: reading a cell's edges one gid at a time would cost a file
    // access per cell, and the engine builds cells only after load_incoming.
    std::shared_ptr<const CableCellDescription> cable_cell(Gid g) const;

    // Edges in all edge files (for --check).
    std::uint64_t edge_count() const;

private:
    struct EdgePopulation {
        std::size_t file = 0;        // index in edge_files_
        std::size_t index = 0;       // population index in that file
        std::size_t source = 0;      // node population (model_ index)
        std::size_t target = 0;
        std::size_t types = 0;       // index in edge_types_
    };
    // The edges onto these gids as connections and, for biophysical targets, their synapses.
    struct Incoming {
        std::vector<std::vector<Connection>> connections;
        std::vector<std::vector<CableSynapse>> synapses;
    };
    Incoming read_incoming(std::span<const Gid> gids) const;
    std::shared_ptr<const CableCellDescription> cell_with(Gid g, std::vector<CableSynapse> synapses);
    const SonataNodeModel& node_model(Gid g) const;

    SonataConfig config_;
    Model model_;
    std::vector<SonataNodePopulation> nodes_;     // model_.populations' order
    std::vector<std::unique_ptr<SonataTypeTable>> node_types_;  // per nodes file
    std::vector<std::size_t> node_types_of_;      // per population: index in node_types_
    // per population: node type id -> its model
    std::vector<std::map<std::int64_t, SonataNodeModel>> node_models_;
    std::vector<std::unique_ptr<SonataEdgeFile>> edge_files_;
    std::vector<std::unique_ptr<SonataTypeTable>> edge_types_;  // per edges file
    std::vector<EdgePopulation> edge_populations_;
    // A loaded edge as kept until the cells are built: 24 bytes (a Connection is 40; its target
    // is the map's key, its index its position, its source detector 0).
    struct LoadedEdge {
        Gid source;
        std::uint32_t synapse;
        double weight;
        double delay;
    };
    static_assert(sizeof(LoadedEdge) == 24);
    std::unordered_map<Gid, std::vector<LoadedEdge>> loaded_;
    // Biophysical cells of the loaded gids (kept: the cell groups hold them anyway).
    std::unordered_map<Gid, std::shared_ptr<const CableCellDescription>> cells_;
    // One description per node model and synapse list (the bytes of the list): shared by cells.
    std::map<std::pair<const SonataNodeModel*, std::string>, std::shared_ptr<const CableCellDescription>> shared_cells_;
    MechanismCatalogues catalogues_;
    mutable std::mutex file_access_;  // HDF5 is not thread-safe: reads of unloaded gids take turns
};

}  // namespace parnet::io
