// Artificial cells (engine/cells/artificial_group.hpp) with the test catalogue lib/artificial.so:
// NEURON's demo IntervalFire (invlfire.mod) and parnet's BurstFire (tests/mechanisms/mods/
// burstfire.mod), checked against what their equations give, across epochs, with neighbours in
// the group and through a save and restore of the cells' state.
#include "engine/cable/mechanism_catalogue.hpp"
#include "engine/cells/artificial_group.hpp"
#include "engine/errors.hpp"
#include "engine/recipe.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace parnet {
namespace {

const MechanismCatalogue& catalogue() {
    static const auto c = MechanismCatalogue::load(PARNET_ARTIFICIAL_CATALOGUE);
    return *c;
}

// Cells of the test catalogue's mechanisms, each with its own parameters; no connections.
class ArtificialRecipe final : public Recipe {
public:
    void add(const std::string& mechanism, std::vector<std::pair<std::string, double>> parameters,
             std::size_t connections = 0) {
        cells_.push_back({catalogue().find(mechanism), std::move(parameters), {}});
        connections_.push_back(connections);
        ranges_ = {{"cells", 0, static_cast<Gid>(cells_.size())}};
    }
    Gid cell_count() const override { return static_cast<Gid>(cells_.size()); }
    const std::vector<PopulationRange>& populations() const override { return ranges_; }
    const RunSettings& settings() const override { return settings_; }
    std::string origin() const override { return "artificial_group_test"; }
    double min_delay_bound() const override { return infinite_time; }
    CellKind kind(Gid) const override { return CellKind::artificial; }
    MechanismPlacement artificial_cell(Gid g) const override { return cells_[g]; }
    // `connections` of weight 0.6 from gid 0 (only their count and weights matter here)
    std::vector<Connection> incoming(Gid g) const override {
        std::vector<Connection> in(connections_[g]);
        for (std::uint32_t c = 0; c < in.size(); ++c) in[c] = Connection{0, g, 0.6, 1.0, 0, c};
        return in;
    }

private:
    std::vector<MechanismPlacement> cells_;
    std::vector<std::size_t> connections_;
    std::vector<PopulationRange> ranges_;
    RunSettings settings_{100.0, 0.025, 0, ""};
};

std::vector<Gid> all_gids(const Recipe& r) {
    std::vector<Gid> g(r.cell_count());
    for (Gid i = 0; i < g.size(); ++i) g[i] = i;
    return g;
}

// Advances through [from, to) ms in epochs of `epoch_steps`, each cell taking the events of
// `inputs` (per cell: (time, weight)) due in each epoch. Returns the spikes per gid.
std::map<Gid, std::vector<double>> advance(ArtificialCellGroup& group, const std::vector<std::vector<Event>>& inputs,
                                           double from, double to, Step epoch_steps, double dt = 0.025) {
    std::map<Gid, std::vector<double>> out;
    const Step last = static_cast<Step>(std::llround(to / dt));
    for (Step begin = std::llround(from / dt); begin < last; begin += epoch_steps) {
        const Epoch epoch{begin, std::min(begin + epoch_steps, last), dt};
        std::vector<Event> events;
        std::vector<std::uint32_t> offsets{0};
        for (std::size_t c = 0; c < group.gids().size(); ++c) {
            if (c < inputs.size())
                for (const Event& e : inputs[c])
                    if (delivery_step(e.time, dt) >= epoch.begin && delivery_step(e.time, dt) < epoch.end) events.push_back(e);
            offsets.push_back(static_cast<std::uint32_t>(events.size()));
        }
        std::vector<Spike> spikes;
        group.advance(epoch, EventLanes{events, offsets}, spikes);
        for (const Spike& s : spikes) out[s.source].push_back(s.time);
    }
    return out;
}

TEST(ArtificialCells, IntervalFireAloneFiresEveryInterval) {
    // minf = 1/(1 - exp(-invl/tau)), so firetime() = tau log(minf/(minf - 1)) = invl from m = 0.
    ArtificialRecipe recipe;
    recipe.add("IntervalFire", {{"tau", 5.0}, {"invl", 10.0}});
    recipe.add("IntervalFire", {{"tau", 3.0}, {"invl", 7.3}});
    ArtificialCellGroup group(recipe, all_gids(recipe));
    const auto spikes = advance(group, {}, 0.0, 100.0, 40);
    ASSERT_EQ(spikes.at(0).size(), 9u);    // 10 .. 90
    ASSERT_EQ(spikes.at(1).size(), 13u);   // 7.3 .. 94.9
    for (std::size_t k = 0; k < 9; ++k) EXPECT_NEAR(spikes.at(0)[k], 10.0 * static_cast<double>(k + 1), 1e-12);
    for (std::size_t k = 0; k < 13; ++k) EXPECT_NEAR(spikes.at(1)[k], 7.3 * static_cast<double>(k + 1), 1e-12);
}

TEST(ArtificialCells, BurstFireFiresTwiceAndIgnoresInputWhileRefractory) {
    ArtificialRecipe recipe;
    recipe.add("BurstFire", {});   // tau 8, refrac 4, gap 0.7, thresh 1
    ArtificialCellGroup group(recipe, all_gids(recipe));
    // 0.5 at 2.0, then 0.7 at 3.013: 0.5 exp(-1.013/8) + 0.7 > 1 fires at 3.013 and 3.713; the
    // event at 5.0 falls in the refractory period (until 7.013); 1.2 at 7.5 fires again.
    const std::vector<std::vector<Event>> inputs{{{2.0, 0.5}, {3.013, 0.7}, {5.0, 2.0}, {7.5, 1.2}}};
    const auto spikes = advance(group, inputs, 0.0, 20.0, 20);   // epochs of 0.5 ms: self events cross them
    const std::vector<double> expected{3.013, 3.013 + 0.7, 7.5, 7.5 + 0.7};
    ASSERT_EQ(spikes.at(0).size(), expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) EXPECT_EQ(spikes.at(0)[k], expected[k]) << k;
    const std::size_t counted = group.add_probe(0, "spikes", "", 0.5);
    EXPECT_EQ(group.probe_value(counted), 4.0);
    EXPECT_THROW(group.add_probe(0, "v", "", 0.5), input_error);
}

TEST(ArtificialCells, ACellsSpikesDoNotDependOnItsNeighbours) {
    const std::vector<Event> drive{{1.1, 0.4}, {2.2, 0.4}, {2.9, 0.5}, {9.01, 0.8}, {9.3, 0.6}, {20.0, -0.2}};
    ArtificialRecipe alone;
    alone.add("IntervalFire", {{"tau", 4.0}, {"invl", 6.0}});
    ArtificialCellGroup one(alone, all_gids(alone));
    const auto single = advance(one, {drive}, 0.0, 50.0, 17);
    // The same cell as the 13th of a group of two mechanisms: lane 0 of the second block of
    // IntervalFire cells (eight before it), with other cells' events around its own.
    ArtificialRecipe crowd;
    for (int i = 0; i < 12; ++i) {
        if (i % 3 == 1) crowd.add("BurstFire", {{"thresh", 0.5 + 0.1 * i}});
        else crowd.add("IntervalFire", {{"tau", 2.0 + i}, {"invl", 5.0 + i}});
    }
    crowd.add("IntervalFire", {{"tau", 4.0}, {"invl", 6.0}});
    ArtificialCellGroup many(crowd, all_gids(crowd));
    std::vector<std::vector<Event>> inputs(13, std::vector<Event>{{1.5, 0.7}, {4.4, 0.9}});
    inputs[12] = drive;
    const auto crowded = advance(many, inputs, 0.0, 50.0, 17);
    ASSERT_GE(single.at(0).size(), 5u);
    EXPECT_EQ(crowded.at(12), single.at(0));   // bit for bit
}

TEST(ArtificialCells, TimesInThePastCountFromTheEventAndTimesThatAreNoNumberNever) {
    // clampedtimes.mod: at an input, net_event(t - 5), net_send(-1, 1) and net_send(log(-1), 2);
    // the flag-1 event emits net_event(t + 0.5). So a spike at the input's time, the self event
    // at that time too, its spike 0.5 ms later, and no flag-2 event.
    ArtificialRecipe recipe;
    recipe.add("ClampedTimes", {});
    ArtificialCellGroup group(recipe, all_gids(recipe));
    const auto spikes = advance(group, {{{3.0, 1.0}}}, 0.0, 10.0, 20);
    EXPECT_EQ(spikes.at(0), (std::vector<double>{3.0, 3.5}));
    EXPECT_EQ(group.probe_value(group.add_probe(0, "received", "", 0.5)), 2.0);   // the input and flag 1
}

TEST(ArtificialCells, EachConnectionKeepsItsOwnWeightVector) {
    // countfire.mod: a connection's own sum n of its weights fires the cell above 1; a self event
    // 0.4 ms later, carrying that connection's vector, empties it. One shared sum would fire at 2.
    ArtificialRecipe recipe;
    recipe.add("CountFire", {}, 2);
    ArtificialCellGroup group(recipe, all_gids(recipe));
    const auto from = [&](std::uint32_t c) { return group.event_synapse(0, recipe.incoming(0)[c]); };
    EXPECT_EQ(from(1), ArtificialCellGroup::weight_vector_event | 1u);
    const std::vector<std::vector<Event>> inputs{{{1.0, 0.6, from(0)}, {2.0, 0.6, from(1)}, {3.0, 0.6, from(0)},
                                                  {3.2, 0.6, from(0)}, {3.5, 0.6, from(0)}, {4.0, 0.6, from(1)}}};
    const auto spikes = advance(group, inputs, 0.0, 10.0, 8);
    EXPECT_EQ(spikes.at(0), (std::vector<double>{3.0, 3.2, 4.0}));
}

TEST(ArtificialCells, RestoredStateContinuesAsTheWholeRun) {
    ArtificialRecipe recipe;
    recipe.add("BurstFire", {{"refrac", 6.0}});
    recipe.add("IntervalFire", {{"tau", 5.0}, {"invl", 4.0}});
    recipe.add("CountFire", {}, 2);
    const std::uint32_t c0 = ArtificialCellGroup::weight_vector_event, c1 = c0 | 1u;
    // CountFire: connection 0 fires at 1.2 and its reset (1.6) is pending at the cut, as is
    // connection 1's sum.
    const std::vector<std::vector<Event>> inputs{{{1.0, 1.5}, {3.0, 1.5}, {8.0, 1.5}},
                                                 {{1.7, 0.3}, {2.6, 0.4}, {5.0, 0.2}},
                                                 {{1.0, 0.6, c0}, {1.2, 0.6, c0}, {1.4, 0.6, c1}, {1.8, 0.6, c0},
                                                  {2.0, 0.6, c1}, {2.5, 0.6, c0}, {3.0, 0.6, c0}}};
    ArtificialCellGroup whole(recipe, all_gids(recipe));
    const auto expected = advance(whole, inputs, 0.0, 20.0, 10);

    // Cut at 1.5 ms: BurstFire's second spike (1.7) and the end of its refractory period (7.0)
    // are pending self events, and so is IntervalFire's next firing.
    ArtificialCellGroup first(recipe, all_gids(recipe));
    auto before = advance(first, inputs, 0.0, 1.5, 10);
    std::vector<std::vector<std::uint64_t>> saved;
    for (std::size_t c = 0; c < 3; ++c) {
        CellStateWriter out;
        first.save_state(c, out);
        saved.push_back(out.words());
    }
    ArtificialCellGroup second(recipe, all_gids(recipe));
    for (std::size_t c = 0; c < 3; ++c) {
        CellStateReader in(saved[c], static_cast<Gid>(c));
        second.restore_state(c, in);
        in.finish();
    }
    second.resume_at(60, 0.025);
    const auto after = advance(second, inputs, 1.5, 20.0, 10);
    for (Gid g = 0; g < 3; ++g) {
        std::vector<double> joined = before[g];
        joined.insert(joined.end(), after.at(g).begin(), after.at(g).end());
        EXPECT_EQ(joined, expected.at(g)) << "gid " << g;
    }
}

}  // namespace
}  // namespace parnet
