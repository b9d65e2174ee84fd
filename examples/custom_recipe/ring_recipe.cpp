// A network described in C++ rather than in a model file: a ring of lif cells, each exciting the
// next and inhibiting the one across the ring, started and kept going by a Poisson spike source.
// It implements parnet's recipe interface (engine/recipe.hpp) and runs through the run library
// (run/network_run.hpp), built against an installed parnet with find_package(parnet).
//   mpirun -n 4 ring_recipe <output folder> [threads]
// ring.json is the same network as a JSON model: `engine ring.json -o <folder>` writes the same
// spikes and traces bit for bit (tests/install checks it).
#include "engine/collective_errors.hpp"
#include "engine/decomposition.hpp"
#include "engine/mpi_session.hpp"
#include "engine/recipe.hpp"
#include "run/network_run.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

using parnet::Gid;

class RingRecipe final : public parnet::Recipe {
public:
    RingRecipe(Gid ring_cells, std::string output) : ring_(ring_cells) {
        populations_ = {{"drive", 0, 1}, {"ring", 1, ring_cells}};
        settings_.tstop = 300.0;
        settings_.dt = 0.025;
        settings_.runid = 3;
        settings_.output = std::move(output);
    }

    Gid cell_count() const override { return 1 + ring_; }
    const std::vector<parnet::PopulationRange>& populations() const override { return populations_; }
    const parnet::RunSettings& settings() const override { return settings_; }
    std::string origin() const override { return "ring_recipe"; }
    double min_delay_bound() const override { return drive_delay; }
    parnet::Recordings recordings() const override {
        parnet::Recordings r;
        r.spike_populations = {0, 1};
        parnet::TraceRecording v;
        v.name = "ring_v";
        v.population = 1;
        v.interval = 0.5;
        r.traces.push_back(v);
        return r;
    }

    parnet::CellKind kind(Gid g) const override {
        return g == 0 ? parnet::CellKind::spike_source : parnet::CellKind::lif;
    }
    double parameter(Gid g, const std::string& name) const override {
        if (g == 0 && name == "rate") return 40.0;  // Hz
        if (g > 0 && name == "tau_m") return 10.0;  // ms
        return Recipe::parameter(g, name);          // the kind's default (NEURON's where it has one)
    }

    // Target-centred: cell i of the ring hears the drive (i = 0), its predecessor and the cell
    // across the ring, in this order (the canonical order of its connections).
    std::vector<parnet::Connection> incoming(Gid g) const override {
        std::vector<parnet::Connection> in;
        if (g == 0) return in;
        const Gid i = g - 1;
        auto add = [&](Gid source, double weight, double delay, std::uint32_t synapse) {
            in.push_back({source, g, weight, delay, synapse, static_cast<std::uint32_t>(in.size())});
        };
        if (i == 0) add(0, 4.0, drive_delay, excitatory);
        add(1 + (i + ring_ - 1) % ring_, 4.0, 2.0, excitatory);
        add(1 + (i + ring_ - ring_ / 2) % ring_, -1.0, 3.0, inhibitory);
        return in;
    }

private:
    static constexpr double drive_delay = 1.5;  // ms, the shortest delay
    static constexpr std::uint32_t excitatory = 0, inhibitory = 1;  // lif synapses
    Gid ring_;
    std::vector<parnet::PopulationRange> populations_;
    parnet::RunSettings settings_;
};

}  // namespace

int main(int argc, char** argv) {
    parnet::MpiSession mpi(argc, argv);
    parnet::Communicator comm(MPI_COMM_WORLD);
    if (argc < 2) {
        if (comm.rank() == 0) std::fprintf(stderr, "usage: ring_recipe <output folder> [threads]\n");
        return 1;
    }
    const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
    const RingRecipe recipe(12, argv[1]);
    const parnet::Decomposition decomposition =
        parnet::round_robin_decomposition(recipe, comm.rank(), comm.size(), threads);
    parnet::run::RunOptions options;
    options.program = "ring_recipe";
    options.title = "parnet ring_recipe";
    options.progress = 0;
    try {
        const parnet::run::RunResult result = parnet::run::run_network(recipe, decomposition, options, comm);
        if (comm.rank() == 0)
            std::printf("ring_recipe: %llu spikes of the ring\n",
                        static_cast<unsigned long long>(result.populations[1].spikes));
    } catch (const parnet::agreed_failure& e) {
        if (comm.rank() == 0) std::cerr << "ring_recipe: error: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
