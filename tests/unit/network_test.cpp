// The network recipe: everything about a gid is a pure function of (model, gid, runid).
#include "engine/network.hpp"
#include "io/model_reader.hpp"
#include "model_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

using namespace parnet;

namespace {
bool same(const Connection& a, const Connection& b) {
    return a.source == b.source && a.target == b.target && a.weight == b.weight && a.delay == b.delay &&
           a.synapse == b.synapse && a.index == b.index;
}
}  // namespace

TEST(Network, IncomingDoesNotDependOnBuildOrder) {
    const Model m = io::parse_model(small_model(), "net.json");
    const Network net(m);
    std::vector<std::vector<Connection>> in_order;
    for (Gid g = 0; g < net.size(); ++g) in_order.push_back(net.incoming(g));
    std::vector<Gid> order(net.size());
    for (Gid g = 0; g < net.size(); ++g) order[g] = g;
    std::shuffle(order.begin(), order.end(), std::mt19937(42));
    for (Gid g : order) {
        const auto again = net.incoming(g);
        ASSERT_EQ(again.size(), in_order[g].size());
        for (std::size_t i = 0; i < again.size(); ++i) EXPECT_TRUE(same(again[i], in_order[g][i]));
    }
}

TEST(Network, FixedIndegreeDrawsDistinctSourcesWithoutSelf) {
    auto doc = small_model();
    doc["projections"][1]["rule"] = {{"type", "fixed_indegree"}, {"indegree", 39}};
    const Model m = io::parse_model(doc, "net.json");
    const Network net(m);
    for (Gid g = 20; g < 60; ++g) {
        std::set<Gid> sources;
        for (const auto& c : net.incoming(g))
            if (c.source >= 20 && c.source < 60) sources.insert(c.source);
        EXPECT_EQ(sources.size(), 39u);
        EXPECT_EQ(sources.count(g), 0u);
    }
}

TEST(Network, ConnectionIndicesAreCanonicalAndWeightsDrawn) {
    const Model m = io::parse_model(small_model(), "net.json");
    const Network net(m);
    const auto in = net.incoming(25);
    for (std::size_t i = 0; i < in.size(); ++i) EXPECT_EQ(in[i].index, i);
    // The first 5 come from ext (fixed in-degree 5) with delays in [1, 3).
    for (int i = 0; i < 5; ++i) {
        EXPECT_LT(in[i].source, 20u);
        EXPECT_GE(in[i].delay, 1.0);
        EXPECT_LT(in[i].delay, 3.0);
    }
}

TEST(Network, PairwiseCountMatchesProbability) {
    auto doc = small_model();
    doc["populations"][1]["count"] = 400;
    const Model m = io::parse_model(doc, "net.json");
    const Network net(m);
    std::size_t n = 0;
    for (Gid g = 20; g < 420; ++g)
        for (const auto& c : net.incoming(g)) n += (c.source >= 20 && c.source < 420 && c.delay == 1.5);
    const double pairs = 400.0 * 399.0, p = 0.2;
    EXPECT_NEAR(static_cast<double>(n), p * pairs, 4 * std::sqrt(pairs * p * (1 - p)));
}

TEST(Network, OtherRunidGivesOtherNetworkSameRunidSameNetwork) {
    auto a = small_model();
    auto b = small_model();
    b["run"]["runid"] = 2;
    const Model ma = io::parse_model(a, "a"), mb = io::parse_model(b, "b"), ma2 = io::parse_model(a, "c");
    const Network na(ma), nb(mb), na2(ma2);
    int differ = 0;
    for (Gid g = 20; g < 60; ++g) {
        const auto x = na.incoming(g), y = nb.incoming(g), z = na2.incoming(g);
        ASSERT_EQ(x.size(), z.size());
        for (std::size_t i = 0; i < x.size(); ++i) EXPECT_TRUE(same(x[i], z[i]));
        differ += (x.size() != y.size() || !std::equal(x.begin(), x.end(), y.begin(), same));
    }
    EXPECT_GT(differ, 30);
}

TEST(Network, DistributedParametersAreDrawnPerGidInRange) {
    const Model m = io::parse_model(small_model(), "net.json");
    const Network net(m);
    std::set<double> values;
    for (Gid g = 20; g < 60; ++g) {
        const double tau = net.parameter(g, "tau_m");
        EXPECT_GE(tau, 10.0);
        EXPECT_LT(tau, 20.0);
        EXPECT_EQ(tau, net.parameter(g, "tau_m"));
        values.insert(tau);
    }
    EXPECT_EQ(values.size(), 40u);
    EXPECT_EQ(net.parameter(60, "tau"), 5.0);
}

TEST(Network, ClampsReachTheirCellsOnly) {
    const Model m = io::parse_model(small_model(), "net.json");
    const Network net(m);
    EXPECT_EQ(net.clamps_on(20).size(), 1u);
    EXPECT_EQ(net.clamps_on(23).size(), 1u);
    EXPECT_EQ(net.clamps_on(21).size(), 0u);
    EXPECT_EQ(net.clamps_on(0).size(), 0u);
}

TEST(Network, ExplicitPairsGiveEachTargetItsListedSourcesInOrder) {
    auto doc = small_model();
    doc["projections"][1]["rule"] = {{"type", "explicit"}, {"pairs", {{3, 7}, {9, 2}, {1, 7}, {3, 7}}}};
    const Model m = io::parse_model(doc, "net.json");
    const Network net(m);
    auto from_exc = [&](Gid g) {
        std::vector<Gid> s;
        for (const auto& c : net.incoming(g))
            if (c.source >= 20 && c.source < 60 && c.delay == 1.5) s.push_back(c.source - 20);
        return s;
    };
    EXPECT_EQ(from_exc(20 + 7), (std::vector<Gid>{3, 1, 3}));
    EXPECT_EQ(from_exc(20 + 2), (std::vector<Gid>{9}));
    EXPECT_TRUE(from_exc(20 + 5).empty());
}
