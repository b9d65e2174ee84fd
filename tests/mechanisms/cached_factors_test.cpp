// The compiler's per-dt caches (docs/mechanisms.md, "The kernels"): cnexp factors of RANGE
// PARAMETERs (cahva's and sk's 1 - exp(-dt/tau), ExpSyn's and Exp2Syn's) are kept in hidden fields
// and recomputed only when dt differs from the dt they were computed for. The built-in catalogue
// against the same .mod files compiled with parnet-modcc --no-cache (every factor in every step):
// the same bits through runs whose dt changes between epochs and through a checkpoint restored
// with another dt; and the hidden fields are no model variables.
#include "../cable/cable_test_support.hpp"

#include "engine/cable/builtin_mechanisms.hpp"
#include "engine/cable/mechanism_catalogue.hpp"
#include "engine/cell_state.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace parnet {
namespace {

using namespace cable_test;

// The rxd ball-and-stick (cahva, sk, calcium) with an ExpSyn and an Exp2Syn, a different cahva
// tau per section, its catalogue mechanisms from `catalogue` (the built-in one if null).
std::shared_ptr<const CableCellDescription> cell_from(std::shared_ptr<const MechanismCatalogue> catalogue) {
    auto cell = ball_and_stick_with_calcium();
    cell->sections[0].cahva->tau = 2.5;
    cell->sections[1].cahva->tau = 0.7;
    cell->synapses = {
        CableSynapse{.name = "fast", .kind = SynapseKind::expsyn, .tau = 1.7, .section = 1, .x = 0.7,
                     .point_process = {}},
        CableSynapse{.name = "slow", .kind = SynapseKind::exp2syn, .tau1 = 0.4, .tau2 = 6.0, .section = 0,
                     .point_process = {}}};
    auto placed = std::make_shared<CableCellDescription>(*cable::with_builtin_mechanisms(cell));
    if (catalogue) {
        auto swap = [&](MechanismPlacement& p) {
            p.mechanism = catalogue->find(p.mechanism->name());
            ASSERT_TRUE(p.mechanism);
        };
        for (auto& s : placed->sections)
            for (auto& p : s.mechanisms) swap(p);
        for (auto& s : placed->synapses)
            if (s.point_process) swap(*s.point_process);
    }
    return placed;
}

std::shared_ptr<const MechanismCatalogue> uncached() {
    static const auto catalogue = MechanismCatalogue::load(PARNET_UNCACHED_CATALOGUE);
    return catalogue;
}

struct Segment {
    double dt;
    Step steps;
};

// Runs the group through the segments (each a dt and a number of steps, in epochs of 10 steps;
// steps count on across segments), events given by step; the soma and dendrite voltages, the
// dendrite's cahva gate, the soma's sk gate and calcium, both synapses' conductances after
// every epoch.
std::vector<double> run(CableGroup& group, Step& step, const std::vector<Segment>& segments,
                        std::size_t* spikes_out = nullptr) {
    const std::size_t soma = group.probe(0, "soma", 0.5), dend = group.probe(0, "dend", 0.3);
    const std::size_t gate = group.add_probe(0, "m_cahva", "dend", 0.3);
    const std::size_t sk = group.add_probe(0, "z_sk", "soma", 0.5);
    const std::size_t cai = group.add_probe(0, "cai", "soma", 0.5);
    std::vector<double> out;
    std::vector<Spike> spikes;
    for (const Segment& s : segments)
        for (Step end = step + s.steps; step < end; step += 10) {
            std::vector<Event> events;
            if (step % 200 == 0) events = {{(step + 3) * s.dt, 0.02, 0}, {(step + 5) * s.dt, 0.01, 1}};
            const std::vector<std::uint32_t> offsets = {0, static_cast<std::uint32_t>(events.size())};
            group.advance(Epoch{step, step + 10, s.dt}, EventLanes{events, offsets, {}}, spikes);
            for (std::size_t p : {soma, dend}) out.push_back(group.voltage_at(p));
            for (std::size_t p : {gate, sk, cai}) out.push_back(group.probe_value(p));
            for (std::uint32_t synapse : {0u, 1u}) out.push_back(group.synapse_conductance(0, synapse));
        }
    if (spikes_out) *spikes_out = spikes.size();
    return out;
}

void expect_same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    ASSERT_EQ(a.size(), b.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
    EXPECT_EQ(differing, 0u) << "of " << a.size() << " samples";
}

const std::vector<CurrentClamp> clamps = {clamp("soma", 0.5, 2, 200, 0.3)};

TEST(CachedFactors, RecomputedWhenDtChangesBetweenEpochsGivingTheUncachedBits) {
    const std::vector<Segment> segments = {{0.025, 1200}, {0.01, 1500}, {0.05, 600}, {0.025, 800}};
    CableGroup cached({{0, cell_from(nullptr), clamps}}, 0.025), plain({{0, cell_from(uncached()), clamps}}, 0.025);
    Step a = 0, b = 0;
    std::size_t spikes = 0;
    const auto with_cache = run(cached, a, segments, &spikes), without = run(plain, b, segments);
    EXPECT_GE(spikes, 1u) << "the cell is meant to fire";
    expect_same_bits(with_cache, without);
    // The check can fail: a factor left at the first dt changes the run.
    CableGroup constant({{0, cell_from(uncached()), clamps}}, 0.025);
    Step c = 0;
    const auto one_dt = run(constant, c, {{0.025, 1200}, {0.025, 1500}, {0.025, 600}, {0.025, 800}});
    std::size_t differing = 0;
    for (std::size_t i = 0; i < one_dt.size(); ++i) differing += one_dt[i] != without[i];
    EXPECT_GT(differing, one_dt.size() / 2);
}

TEST(CachedFactors, CheckpointRestoredWithAnotherDtRecomputesThem) {
    // Saved at step 1000 of dt 0.025, restored into groups that continue with dt 0.0125.
    std::vector<double> continued[2];
    for (int u = 0; u < 2; ++u) {
        const auto cell = cell_from(u ? uncached() : nullptr);
        CableGroup first({{0, cell, clamps}}, 0.025);
        Step step = 0;
        run(first, step, {{0.025, 1000}});
        CellStateWriter saved;
        first.save_state(0, saved);
        CableGroup second({{0, cell, clamps}}, 0.0125);
        CellStateReader in(saved.words(), 0);
        second.restore_state(0, in);
        in.finish();
        second.resume_at(step, 0.0125);
        continued[u] = run(second, step, {{0.0125, 2000}});
    }
    expect_same_bits(continued[0], continued[1]);
}

TEST(CachedFactors, HiddenFieldsAreNoModelVariables) {
    const auto cahva = MechanismCatalogue::builtin()->find("cahva");
    ASSERT_TRUE(cahva);
    EXPECT_EQ(cahva->abi().hidden_count, 3u);   // the factor, 1/k and the dt they are for
    EXPECT_EQ(cahva->stored_field_count(), cahva->field_count() + 3);
    EXPECT_EQ(cahva->parameter_names(), "gbar, vhalf, k, tau");
    EXPECT_FALSE(cahva->field_index("_cache0"));
    EXPECT_FALSE(cahva->field_index("_cache_dt_state"));
    EXPECT_EQ(uncached()->find("cahva")->abi().hidden_count, 0u);
    // A probe of a hidden field is an unknown variable, as any other name.
    CableGroup group({{0, cell_from(nullptr), clamps}}, 0.025);
    EXPECT_ANY_THROW(group.add_probe(0, "_cache0_cahva", "soma", 0.5));
    // The checkpoint holds what it held before the caches: the cell reads as many words back.
    CableGroup plain({{0, cell_from(uncached()), clamps}}, 0.025);
    CellStateWriter a, b;
    group.save_state(0, a);
    plain.save_state(0, b);
    EXPECT_EQ(a.words().size(), b.words().size());
}

}  // namespace
}  // namespace parnet
