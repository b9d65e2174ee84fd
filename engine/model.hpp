#pragma once
// The validated model: what a model file says, in memory. It is small (populations and rules,
// never per-cell lists); everything about one gid is derived from it by Network
// (engine/network.hpp), the JSON model's recipe.
#include "distribution.hpp"
#include "types.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parnet {

struct CableCellDescription;  // engine/cable/cable_cell.hpp
class Mechanism;              // engine/cable/mechanism_catalogue.hpp

// artificial: a cell that is an NMODL ARTIFICIAL_CELL mechanism of a catalogue (docs/mechanisms.md).
enum class CellKind { spike_source, intfire, lif, cable, artificial };
const char* to_string(CellKind);

enum class SourceModel { poisson, regular, replay };

struct RunSettings {
    double tstop = 0.0;          // ms
    double dt = 0.025;           // ms
    std::uint32_t runid = 0;     // Random123 global index
    std::string output;          // output folder
};

struct Population {
    std::string name;
    CellKind kind = CellKind::lif;
    Gid first = 0;   // gid of the population's first cell
    Gid count = 0;
    // Numeric parameters of the kind (every name is checked against the kind's list).
    std::map<std::string, Distribution> params;
    // spike_source only
    SourceModel source_model = SourceModel::poisson;
    std::vector<std::vector<double>> replay_times;  // one list per cell, or one list for all
    // cable only: shared by every cell of the population; with a list of morphologies
    // (docs/morphology.md) one description per morphology, cell i (= gid - first) taking
    // cable_variants[i % size], and `cable` the first of them.
    std::shared_ptr<const CableCellDescription> cable;
    std::vector<std::shared_ptr<const CableCellDescription>> cable_variants;
    // artificial only: the catalogue's ARTIFICIAL_CELL mechanism. `params` then holds every RANGE
    // PARAMETER of it (the mechanism's defaults unless given) and the GLOBALs given (constants).
    std::shared_ptr<const Mechanism> artificial;

    bool contains(Gid g) const { return g >= first && g - first < count; }
    std::size_t variant_count() const { return cable_variants.empty() ? 1 : cable_variants.size(); }
    std::size_t variant_of(Gid g) const { return cable_variants.empty() ? 0 : (g - first) % cable_variants.size(); }
    // Cells of the population with the given variant.
    Gid variant_cells(std::size_t variant) const {
        const Gid n = static_cast<Gid>(variant_count()), v = static_cast<Gid>(variant);
        return count > v ? (count - v + n - 1) / n : 0;
    }
    const std::shared_ptr<const CableCellDescription>& cable_variant(std::size_t variant) const {
        return cable_variants.empty() ? cable : cable_variants[variant];
    }
    const std::shared_ptr<const CableCellDescription>& cable_of(Gid g) const { return cable_variant(variant_of(g)); }
};

struct ConnectionRule {
    enum class Kind { one_to_one, fixed_indegree, pairwise, explicit_pairs };
    Kind kind = Kind::one_to_one;
    std::uint32_t indegree = 0;     // fixed_indegree
    double probability = 0.0;       // pairwise
    // explicit_pairs: (target, source) population-relative indices, sorted by target (stable, so a
    // target's sources keep the file's order): a target finds its own by binary search.
    std::vector<std::pair<Gid, Gid>> pairs;
    // explicit connections with their own values (a "connections" list or a connection file):
    // weight, delay and synapse per pair, in the order of `pairs`; empty when the projection's
    // weight, delay and synapse apply to every pair.
    std::vector<double> pair_weights;
    std::vector<double> pair_delays;
    std::vector<std::uint32_t> pair_synapses;
    bool allow_autapses = false;    // a cell may connect to itself
    bool allow_multapses = false;   // fixed_indegree draws with replacement
};

struct Projection {
    std::string name;
    std::size_t source = 0;  // population index
    std::size_t target = 0;  // population index
    ConnectionRule rule;
    Distribution weight;     // units of the target synapse (nA for lif, uS for cable, 1 for intfire)
    Distribution delay;      // ms, >= dt
    std::uint32_t synapse = 0;  // index of the target synapse within the target cell kind
    std::string synapse_name;
    std::uint32_t source_detector = 0;  // which detector of the source cells (cable cells may have several)
};

// A current step injected into cells of a population (lif: added to the bias current;
// cable: an IClamp at a location).
struct CurrentClamp {
    std::size_t population = 0;
    std::vector<Gid> cells;    // population-relative indices; empty means all
    double delay = 0.0;        // ms
    double duration = 0.0;     // ms
    double amplitude = 0.0;    // nA
    std::string section;       // cable: section name ("" = soma)
    double x = 0.5;            // cable: position along the section
};

// An event delivered to a synapse of a cell at a given time, with no source cell (NEURON's
// NetCon(None, syn).event(t)): delivered by the fixed-step rule like any event.
struct DirectEvent {
    double time = 0.0;          // ms
    double weight = 0.0;        // units of the target synapse, as a connection's weight
    std::uint32_t synapse = 0;  // target synapse index (meaning depends on the target kind)
};

// Events at listed times into a synapse of cells of a population (stimuli type "events").
struct EventStimulus {
    std::size_t population = 0;
    std::vector<Gid> cells;     // population-relative indices; empty means all
    std::vector<double> times;  // ms, ascending
    double weight = 0.0;
    std::uint32_t synapse = 0;
};

// A recorded state variable (written as a SONATA report).
struct TraceRecording {
    std::string name;          // report name
    std::size_t population = 0;
    std::vector<Gid> cells;    // population-relative; empty = all
    std::string variable = "v";  // lif and cable: "v" (mV); intfire: "m"
    std::string section;         // cable: where v is read ("soma" by default)
    double x = 0.5;
    double interval = 0.1;       // ms, a whole number of steps
    bool float64 = false;        // "dtype": "float64" keeps the doubles; "float32" (default) rounds
};

struct Recordings {
    std::vector<std::size_t> spike_populations;  // populations whose spikes are written
    std::vector<TraceRecording> traces;
};

struct Model {
    std::string file;        // where it came from, for messages
    std::uint64_t fingerprint = 0;  // hash of the model's meaning (io/model_reader.cpp), stored in plans
    RunSettings run;
    std::vector<Population> populations;
    std::vector<Projection> projections;
    std::vector<CurrentClamp> clamps;
    std::vector<EventStimulus> events;
    Recordings recordings;

    Gid cell_count() const {
        return populations.empty() ? 0 : populations.back().first + populations.back().count;
    }
    std::size_t population_index(Gid g) const;  // binary search over population ranges
};

// The parameter names each kind accepts, with defaults (NEURON's where NEURON has the cell).
const std::map<std::string, double>& default_parameters(CellKind kind, SourceModel source);

}  // namespace parnet
