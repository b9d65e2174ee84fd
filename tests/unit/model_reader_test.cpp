// Model validation: every malformed model gives a message naming file, field path and expectation.
#include "engine/errors.hpp"
#include "io/model_reader.hpp"
#include "malformed_models.hpp"

#include <gtest/gtest.h>

using namespace parnet;

TEST(ModelReader, AcceptsTheSmallModel) {
    const Model m = io::parse_model(small_model(), "net.json");
    ASSERT_EQ(m.populations.size(), 3u);
    EXPECT_EQ(m.cell_count(), 70u);
    EXPECT_EQ(m.populations[1].first, 20u);
    EXPECT_EQ(m.populations[2].first, 60u);
    EXPECT_EQ(m.projections[3].synapse, 1u);  // inh
    EXPECT_EQ(m.populations[1].params.at("v_init").a, -65.0);
    EXPECT_EQ(m.recordings.spike_populations.size(), 3u);
    EXPECT_EQ(m.clamps[0].cells, (std::vector<Gid>{0, 3}));
}

TEST(ModelReader, FingerprintChangesWithTheModel) {
    auto a = small_model();
    auto b = small_model();
    b["run"]["runid"] = 2;
    EXPECT_EQ(io::parse_model(a, "x").fingerprint, io::parse_model(small_model(), "y").fingerprint);
    EXPECT_NE(io::parse_model(a, "x").fingerprint, io::parse_model(b, "x").fingerprint);
}

// A plan is kept by a model file that says the same in other words: spacing, key order, the
// spelling of numbers, its description, name, output folder and run length.
TEST(ModelReader, FingerprintIsTheModelsMeaningNotItsText) {
    const std::string text = R"({"run": {"tstop": 100, "dt": 0.1, "runid": 1, "output": "out/a"},
      "populations": [{"name": "ext", "count": 20, "kind": "spike_source", "model": "poisson", "params": {"rate": 10}},
                      {"name": "exc", "count": 40, "kind": "lif", "params": {"tau_m": 15}}],
      "projections": [{"source": "ext", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 5},
                       "weight": 0.1, "delay": 2}]})";
    const std::string reworded = R"({
        "description": "the same network, written differently",
        "name": "renamed",
        "projections": [ { "delay": 2.0, "weight": 1e-1, "target": "exc", "source": "ext",
                           "rule": { "indegree": 5, "type": "fixed_indegree" } } ],
        "populations": [
          { "kind": "spike_source", "count": 20, "name": "ext", "params": { "rate": 10.0 }, "model": "poisson" },
          { "params": { "tau_m": 15.000 }, "name": "exc", "kind": "lif", "count": 40 }
        ],
        "run": { "runid": 1, "dt": 1e-1, "output": "elsewhere", "tstop": 500 }
    })";
    const auto fingerprint = [](const std::string& t) {
        return io::parse_model(nlohmann::json::parse(t), "net.json").fingerprint;
    };
    EXPECT_EQ(fingerprint(text), fingerprint(reworded));
    auto changed = nlohmann::json::parse(text);
    changed["projections"][0]["weight"] = 0.11;
    EXPECT_NE(fingerprint(text), fingerprint(changed.dump()));
    changed = nlohmann::json::parse(text);
    changed["populations"][1]["params"]["tau_m"] = 15.5;
    EXPECT_NE(fingerprint(text), fingerprint(changed.dump()));
}

TEST(ModelReader, RmGivesCm) {
    auto m = small_model();
    m["populations"][1]["params"] = {{"tau_m", 20}, {"R_m", 100}};
    EXPECT_DOUBLE_EQ(io::parse_model(m, "x").populations[1].params.at("C_m").a, 0.2);
}

TEST(ModelReader, MalformedModelsGiveTheirMessages) {
    const auto cases = malformed_cases();
    ASSERT_GE(cases.size(), 15u);
    for (const auto& c : cases) {
        if (!c.mutate) continue;  // raw-text cases are run through the engine test
        auto m = small_model();
        c.mutate(m);
        try {
            io::parse_model(m, "net.json");
            ADD_FAILURE() << c.name << ": accepted";
        } catch (const input_error& e) {
            const std::string msg = e.what();
            EXPECT_EQ(msg.rfind("net.json: ", 0), 0u) << c.name << ": " << msg;
            EXPECT_NE(msg.find(c.expected), std::string::npos) << c.name << ":\n  got      " << msg
                                                               << "\n  expected " << c.expected;
        }
    }
}
