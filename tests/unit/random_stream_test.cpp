// Random123 streams reproduce NEURON 8.2's h.Random().Random123 bit for bit (design.md item 3).
#include "engine/network.hpp"
#include "engine/random_stream.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace parnet;

namespace {
nlohmann::json reference() {
    std::ifstream in(std::string(PARNET_SOURCE_DIR) + "/tests/data/neuron-random123.json");
    return nlohmann::json::parse(in);
}
}  // namespace

TEST(RandomStream, Id32IsZlibCrc32) {
    EXPECT_EQ(id32("conn"), 438829466u);
    EXPECT_EQ(id32("stim"), 2349522409u);
    EXPECT_EQ(id32(""), 0u);
}

TEST(RandomStream, ReproducesNeuronWordsAndUniformsBitForBit) {
    const auto ref = reference();
    ASSERT_GE(ref["cases"].size(), 5u);
    for (const auto& c : ref["cases"]) {
        RandomStream words(c["id1"], c["id2"], c["id3"], c["globalindex"]);
        RandomStream uniforms(c["id1"], c["id2"], c["id3"], c["globalindex"]);
        for (std::size_t k = 0; k < c["uint32"].size(); ++k) {
            EXPECT_EQ(words.next_u32(), c["uint32"][k].get<std::uint32_t>()) << "case " << c.dump() << " draw " << k;
            EXPECT_EQ(uniforms.uniform01(), c["uniform01"][k].get<double>()) << "draw " << k;
        }
    }
}

TEST(RandomStream, UniformIsOpenIntervalAndExponentialHasMeanOne) {
    RandomStream rng(id32("test"), 3, 0, 7);
    double sum = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double e = rng.exponential();
        ASSERT_GT(e, 0.0);
        sum += e;
    }
    // standard error of the mean is 1/sqrt(n)
    EXPECT_NEAR(sum / n, 1.0, 4.0 / std::sqrt(n));
}

TEST(RandomStream, NormalHasUnitVariance) {
    RandomStream rng(id32("test"), 4, 0, 0);
    const int n = 200000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
        const double x = rng.normal();
        s += x;
        s2 += x * x;
    }
    EXPECT_NEAR(s / n, 0.0, 4.0 / std::sqrt(n));
    EXPECT_NEAR(s2 / n, 1.0, 4.0 * std::sqrt(2.0 / n));
}

TEST(RandomStream, BelowIsUnbiasedOverSmallRange) {
    RandomStream rng(id32("below"), 1, 0, 0);
    std::array<int, 7> counts{};
    const int n = 70000;
    for (int i = 0; i < n; ++i) ++counts[rng.below(7)];
    for (int c : counts) EXPECT_NEAR(c, n / 7.0, 4 * std::sqrt(n / 7.0));
}
