#pragma once
// The recipe: the questions the engine, the planner and replay ask about a network, answered one
// gid at a time by an implementation (Arbor's idea). The JSON model's Network is one
// implementation (engine/network.hpp), a SONATA circuit another, a user's C++ class a third
// (examples/custom_recipe/). Target-centred: answering for gid g never enumerates other targets,
// so a rank asks only about the cells it owns and memory grows with its own share.
//
// Results must be pure functions of (recipe, gid): the engine may ask twice (it builds a
// thread's connections in two passes) and from several threads at once, so every method is const
// and must be safe to call concurrently. Bit-identical results across ranks and threads follow
// from that and from the canonical order of incoming(g).
#include "connection.hpp"
#include "model.hpp"
#include "random_stream.hpp"
#include "types.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parnet {

struct CableCellDescription;  // engine/cable/cable_cell.hpp
struct MechanismPlacement;    // engine/cable/mechanism_catalogue.hpp

// Random-stream purposes (docs/model-format.md, random streams: id1 = id32(purpose), id2 = gid, id3 = sub-stream).
namespace purpose {
inline constexpr std::string_view connections = "conn";   // id3 = projection index
inline constexpr std::string_view weights = "weight";     // id3 = projection index
inline constexpr std::string_view delays = "delay";       // id3 = projection index
inline constexpr std::string_view stimulus = "stim";      // spike-source trains
inline constexpr std::string_view parameters = "param";   // id3 = parameter's index in the kind's list
}  // namespace purpose

// A named range of consecutive gids. Output files and reports name a cell by its population and
// its node id (gid - first), as SONATA does; populations cover [0, cell_count()) in order.
struct PopulationRange {
    std::string name;
    Gid first = 0;
    Gid count = 0;
    bool contains(Gid g) const { return g >= first && g - first < count; }
};

class Recipe {
public:
    virtual ~Recipe() = default;

    // ---- the network as a whole (small: never a per-cell list)
    virtual Gid cell_count() const = 0;
    // Ascending, contiguous, covering every gid.
    virtual const std::vector<PopulationRange>& populations() const = 0;
    // dt, tstop, runid and the output folder the description carries (run options may override
    // tstop and the output folder; dt and runid are the network's).
    virtual const RunSettings& settings() const = 0;
    // What messages name as the source of the description: a file ("net.json"), or a program's name.
    virtual std::string origin() const = 0;
    // A lower bound of every connection delay (ms); the planner and memory checks use it before
    // any connection is made. infinite_time when there are no connections.
    virtual double min_delay_bound() const = 0;
    // What is written: the populations whose spikes are recorded (indices into populations()) and
    // the trace recordings (cells population-relative). Default: nothing.
    virtual Recordings recordings() const { return {}; }

    // ---- one cell
    virtual CellKind kind(Gid g) const = 0;
    // The value of a named parameter of g's kind (the names and defaults of default_parameters()):
    // lif, intfire and spike-source cells. Default: the kind's default.
    virtual double parameter(Gid g, const std::string& name) const;
    // Spike sources: how the train is made (poisson and regular use parameter(); replay the times).
    virtual SourceModel source_model(Gid g) const;
    // Replay spike sources: g's spike times (ms, any order). The span stays valid while the recipe
    // lives; cells sharing one list may return the same span (the engine then stores it once).
    virtual std::span<const double> replay_times(Gid g) const;
    // Cable cells: the cell's description (cells of one morphology share one).
    virtual std::shared_ptr<const CableCellDescription> cable_cell(Gid g) const;
    // Artificial cells: g's ARTIFICIAL_CELL mechanism with the parameter and GLOBAL values that
    // differ from its defaults (a placement of no location; engine/cells/artificial_group.hpp).
    virtual MechanismPlacement artificial_cell(Gid g) const;
    // Current clamps acting on g (lif: added to the bias current; cable: an IClamp at a location).
    virtual std::vector<CurrentClamp> clamps_on(Gid /*g*/) const { return {}; }
    // Events delivered straight to one of g's synapses at given times, without a source cell (as
    // NEURON's NetCon(None, syn).event(t)): they shorten no epoch. Default: none.
    virtual std::vector<DirectEvent> direct_events(Gid /*g*/) const { return {}; }

    // ---- connections onto g, in canonical order: Connection::index is the position in the list,
    // the tie-break of events at the same time from the same source. Target-centred.
    virtual std::vector<Connection> incoming(Gid g) const = 0;

    // ---- helpers over the above (not virtual)
    std::size_t population_index(Gid g) const {
        const auto& pops = populations();
        const auto it = std::upper_bound(pops.begin(), pops.end(), g,
                                         [](Gid x, const PopulationRange& p) { return x < p.first; });
        return static_cast<std::size_t>(it - pops.begin()) - 1;
    }
    const PopulationRange& population_range(Gid g) const { return populations()[population_index(g)]; }
    // "net.json: population exc": the start of a message about gid g.
    std::string where(Gid g) const { return origin() + ": population " + population_range(g).name; }
    double dt() const { return settings().dt; }
    // A stream for (purpose, gid, sub-stream) at this run's runid.
    RandomStream stream(std::string_view purpose, Gid g, std::uint32_t sub = 0) const {
        return RandomStream(id32(purpose), g, sub, settings().runid);
    }
};

}  // namespace parnet
