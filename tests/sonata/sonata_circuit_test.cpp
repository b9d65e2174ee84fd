// The SONATA reader against the same network written as a JSON model with explicit connections
// (tests/sonata/small_circuit.py writes both with h5py): every gid has the same kind, parameters,
// replay times and incoming connections (source, weight, delay, synapse, index), whether its edges
// were loaded with a rank's share or read on demand.
#include "engine/network.hpp"
#include "io/model_reader.hpp"
#include "io/sonata_circuit.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

using namespace parnet;
namespace fs = std::filesystem;

namespace {

const fs::path& written_circuit() {
    static const fs::path folder = [] {
        // Its own folder per process: ctest runs this suite's tests side by side.
        const fs::path dir =
            fs::path(PARNET_BINARY_DIR) / "tests" / "scratch" / ("sonata_circuit_" + std::to_string(getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir);
        const std::string cmd = "cd " PARNET_SOURCE_DIR "/tests/sonata && /usr/bin/python3 -c \"import small_circuit; "
                                "small_circuit.build('" + dir.string() + "')\"";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("small_circuit.py failed");
        return dir;
    }();
    return folder;
}

void expect_same(const std::vector<Connection>& a, const std::vector<Connection>& b, Gid g) {
    ASSERT_EQ(a.size(), b.size()) << "gid " << g;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].source, b[i].source) << "gid " << g << " connection " << i;
        EXPECT_EQ(a[i].target, b[i].target);
        EXPECT_EQ(a[i].weight, b[i].weight) << "gid " << g << " connection " << i;
        EXPECT_EQ(a[i].delay, b[i].delay);
        EXPECT_EQ(a[i].synapse, b[i].synapse);
        EXPECT_EQ(a[i].index, b[i].index);
    }
}

}  // namespace

TEST(SonataCircuit, EqualsTheJsonModelWithExplicitConnections) {
    const fs::path dir = written_circuit();
    const Model model = io::read_model(dir / "model.json");
    const Network network(model);
    io::SonataCircuit circuit(io::read_sonata_config(dir / "circuit" / "circuit_config.json"));
    const Model& m = circuit.model();
    ASSERT_EQ(m.populations.size(), model.populations.size());
    for (std::size_t p = 0; p < m.populations.size(); ++p) {
        EXPECT_EQ(m.populations[p].name, model.populations[p].name);
        EXPECT_EQ(m.populations[p].first, model.populations[p].first);
        EXPECT_EQ(m.populations[p].count, model.populations[p].count);
        EXPECT_EQ(m.populations[p].kind, model.populations[p].kind);
    }
    EXPECT_EQ(m.run.dt, model.run.dt);
    EXPECT_EQ(m.run.tstop, model.run.tstop);
    ASSERT_EQ(m.recordings.traces.size(), 2u);
    EXPECT_EQ(m.recordings.traces[0].cells, model.recordings.traces[0].cells);
    EXPECT_EQ(m.recordings.traces[1].variable, "m");
    // Half of the cells loaded as a rank's share, the others read when asked.
    std::vector<Gid> share;
    for (Gid g = 0; g < m.cell_count(); g += 2) share.push_back(g);
    circuit.load_incoming(share);
    std::uint64_t connections = 0;
    for (Gid g = 0; g < m.cell_count(); ++g) {
        const Population& pop = model.populations[model.population_index(g)];
        if (pop.kind == CellKind::spike_source) {
            EXPECT_EQ(m.populations[m.population_index(g)].replay_times[g - pop.first], pop.replay_times[g - pop.first]);
        } else {
            for (const auto& [name, value] : pop.params) EXPECT_EQ(circuit.parameter(g, name), network.parameter(g, name)) << name;
        }
        const auto mine = circuit.incoming(g);
        expect_same(mine, network.incoming(g), g);
        connections += mine.size();
    }
    EXPECT_EQ(connections, circuit.edge_count());
}

TEST(SonataCircuit, PerNodeDynamicsParamsOverrideTheNodeType) {
    const fs::path dir = written_circuit() / "override";
    fs::create_directories(dir);
    fs::copy(written_circuit() / "circuit", dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    const std::string cmd = "cd " PARNET_SOURCE_DIR "/tests/sonata && /usr/bin/python3 -c \"import h5py, numpy as np; "
                            "f = h5py.File('" + (dir / "network_nodes.h5").string() + "', 'r+'); "
                            "f['nodes/exc/0/dynamics_params/v_thresh'] = -50.0 - np.arange(60) / 10.0\"";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    const io::SonataCircuit circuit(io::read_sonata_config(dir / "circuit_config.json"));
    const Gid first = circuit.model().populations[1].first;
    EXPECT_EQ(circuit.parameter(first + 7, "v_thresh"), -50.0 - 7 / 10.0);
    EXPECT_EQ(circuit.parameter(first + 7, "tau_m"), 20.0);
}
