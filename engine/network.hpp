#pragma once
// The network as a recipe: every fact about one gid is a pure function of (model, gid, runid).
// Nothing here enumerates all cells; a rank asks only about the gids it owns.
#include "connection.hpp"
#include "model.hpp"
#include "random_stream.hpp"

#include <string_view>
#include <vector>

namespace parnet {

// Random-stream purposes (docs/model-format.md, random streams: id1 = id32(purpose), id2 = gid, id3 = sub-stream).
namespace purpose {
inline constexpr std::string_view connections = "conn";   // id3 = projection index
inline constexpr std::string_view weights = "weight";     // id3 = projection index
inline constexpr std::string_view delays = "delay";       // id3 = projection index
inline constexpr std::string_view stimulus = "stim";      // spike-source trains
inline constexpr std::string_view parameters = "param";   // id3 = parameter's index in the kind's list
}  // namespace purpose

class Network {
public:
    explicit Network(const Model& model);

    const Model& model() const { return model_; }
    Gid size() const { return model_.cell_count(); }
    const Population& population_of(Gid g) const;
    CellKind kind(Gid g) const { return population_of(g).kind; }

    // A stream for (purpose, gid, sub-stream) at this run's runid.
    RandomStream stream(std::string_view purpose, Gid g, std::uint32_t sub = 0) const;

    // The value of a kind parameter for gid g (drawn per gid when it is a distribution).
    double parameter(Gid g, const std::string& name) const;

    // All connections onto gid g, in canonical index order (projection order, then draw order).
    std::vector<Connection> incoming(Gid g) const;

    // Current clamps acting on g.
    std::vector<CurrentClamp> clamps_on(Gid g) const;

    // The smallest delay any connection of the model can have (ms), from the delay distributions.
    double min_delay_bound() const;

private:
    void add_projection(std::size_t p, Gid target, std::vector<Connection>& out) const;
    const Model& model_;
    std::vector<std::vector<std::size_t>> projections_onto_;  // per target population, in file order
};

}  // namespace parnet
