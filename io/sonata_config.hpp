#pragma once
// A SONATA circuit and simulation configuration (docs/sonata-input.md): circuit_config.json with
// "manifest", "components" and "networks" (nodes and edges files with their type tables), and
// the simulation's "run", "inputs" (spike files for virtual nodes), "output", "node_sets" and
// "reports", either in the same file or in a simulation config whose "network" names the circuit
// config. Manifest variables ($NAME, ${configdir}) are substituted; relative paths are taken from
// the folder of the file that names them. Every error names the file and the field path.
#include "io/model_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parnet::io {

struct SonataNodesFile {
    std::filesystem::path nodes_file;
    std::filesystem::path node_types_file;
    std::string where;  // "config.json: networks.nodes[0]", for messages
    std::vector<std::string> populations;  // named in the config ("populations": {...}); must be in the file
};

struct SonataEdgesFile {
    std::filesystem::path edges_file;
    std::filesystem::path edge_types_file;
    std::string where;
    std::vector<std::string> populations;
};

// A spike file that drives virtual nodes (inputs.<name> with input_type "spikes").
struct SonataSpikeInput {
    std::string name;
    std::filesystem::path file;
    std::string node_set;  // a node set's name or a population's name
    std::string where;
};

// A current step into a node set's cells (inputs.<name> with input_type "current_clamp", module IClamp).
struct SonataCurrentClamp {
    std::string name;
    std::string node_set;
    double amplitude = 0.0;  // nA
    double delay = 0.0;      // ms
    double duration = 0.0;   // ms
    std::string where;
};

// A node set: one population, all its nodes or the listed node ids.
struct SonataNodeSet {
    std::string population;
    std::vector<std::uint64_t> node_ids;  // empty: all
    std::string where;
};

// A membrane report (reports.<name>): v of a node set's cells every dt.
struct SonataReport {
    std::string name;
    std::string cells;     // node set
    std::string variable;  // "v"
    double dt = 0.0;       // ms; 0: every step
    std::string where;
};

struct SonataConfig {
    std::string file;  // the file named on the command line
    std::map<std::string, std::filesystem::path> components;  // morphologies_dir, point_neuron_models_dir, ...
    std::vector<SonataNodesFile> nodes;
    std::vector<SonataEdgesFile> edges;
    double tstop = 0.0;
    double dt = 0.025;
    std::uint32_t runid = 0;
    // BMTK's run settings for biophysical cells: the soma detector's threshold (mV) and the
    // compartment length behind nseg (um); nullopt when the config gives none.
    std::optional<double> spike_threshold;
    std::optional<double> dL;
    std::vector<std::string> catalogues;   // the engine's --catalogue (docs/mechanisms.md)
    std::string output;
    std::vector<SonataSpikeInput> inputs;
    std::vector<SonataCurrentClamp> clamps;
    std::map<std::string, SonataNodeSet> node_sets;
    std::vector<SonataReport> reports;

    // The folder of a component ("point_neuron_models_dir", ...), or nullopt.
    std::optional<std::filesystem::path> component(const std::string& name) const;
};

// Whether a JSON document is a SONATA config rather than a parnet model (it has "networks" or
// "network" and no "populations").
bool is_sonata_config(const nlohmann::json& document);

// `overrides`: the engine's --tstop and -o, validated like the file's own.
SonataConfig read_sonata_config(const std::filesystem::path& file, const RunOverrides& overrides = {});

}  // namespace parnet::io
