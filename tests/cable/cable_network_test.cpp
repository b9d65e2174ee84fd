// make_cable_group through the engine's path: a Model filled in by hand, a Network, and
// make_cell_group dispatching on CellKind::cable (descriptions from Population::cable, clamps
// from Network::clamps_on).
#include "cable_test_support.hpp"
#include "engine/errors.hpp"
#include "engine/network.hpp"

#include <gtest/gtest.h>

namespace parnet {
namespace {

using namespace cable_test;

TEST(CableNetwork, MakeCellGroupBuildsCableCellsWithTheirClamps) {
    Model model;
    model.file = "hand-made";
    model.run.dt = 0.025;
    model.run.tstop = 60;
    Population lif;   // a population before, so that gids do not start at 0
    lif.name = "other";
    lif.kind = CellKind::lif;
    lif.first = 0;
    lif.count = 4;
    Population cable;
    cable.name = "cable";
    cable.kind = CellKind::cable;
    cable.first = 4;
    cable.count = 3;
    cable.cable = ball_and_stick();
    model.populations = {lif, cable};
    CurrentClamp stim = clamp("soma", 0.5, 5, 50, 0.2);
    stim.population = 1;
    stim.cells = {0, 2};   // population-relative: gids 4 and 6
    model.clamps = {stim};
    const Network network(model);

    const std::vector<Gid> gids = {6, 5, 4};
    auto group = make_cell_group(network, gids);
    ASSERT_EQ(std::vector<Gid>(group->gids().begin(), group->gids().end()), gids);
    std::vector<Spike> spikes;
    for (Step begin = 0; begin < 2400; begin += 40)
        group->advance(Epoch{begin, begin + 40, 0.025}, EventLanes{}, spikes);

    // The clamped cells fire as NEURON's ball-and-stick does; the unclamped one stays silent.
    const auto ref = load_reference("ball_and_stick.json")["table"]["spike_times"];
    std::vector<Spike> expected;
    for (const auto& t : ref)
        for (Gid g : {4u, 6u}) expected.push_back({g, static_cast<double>(step_of(t.get<double>(), 0.025)) * 0.025});
    ASSERT_EQ(spikes.size(), expected.size());
    for (std::size_t i = 0; i < spikes.size(); ++i) {
        EXPECT_EQ(spikes[i].source, expected[i].source);
        EXPECT_EQ(step_of(spikes[i].time, 0.025), step_of(expected[i].time, 0.025));
    }
}

TEST(CableNetwork, AClampOnAnUnknownSectionIsAnInputError) {
    Model model;
    model.run.dt = 0.025;
    Population cable;
    cable.name = "cable";
    cable.kind = CellKind::cable;
    cable.count = 1;
    cable.cable = ball_and_stick();
    model.populations = {cable};
    CurrentClamp stim = clamp("axon", 0.5, 5, 50, 0.2);
    model.clamps = {stim};
    const Network network(model);
    const std::vector<Gid> gids = {0};
    try {
        make_cell_group(network, gids);
        FAIL() << "expected an input_error";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("no section named 'axon'"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace parnet
