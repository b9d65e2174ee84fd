// Explicit connections with their own weight, delay and synapse (docs/model-format.md): inline,
// from CSV and from HDF5; duplicates kept, file order kept per target, bad rows named by line.
#include "engine/errors.hpp"
#include "engine/network.hpp"
#include "io/model_reader.hpp"
#include "model_fixture.hpp"

#include <unistd.h>

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>

using namespace parnet;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
    // Its own folder per process: ctest runs this suite's tests side by side.
    const fs::path dir = fs::path(PARNET_BINARY_DIR) / "tests" / "scratch" /
                         ("explicit_connections_" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir / name;
}

void write_text(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

// exc -> exc with listed connections (exc is populations[1], gids 20..59).
nlohmann::json listed(const nlohmann::json& rule) {
    auto doc = small_model();
    doc["projections"][1] = {{"source", "exc"}, {"target", "exc"}, {"rule", rule}, {"synapse", "exc"}};
    return doc;
}

std::string refusal(const nlohmann::json& doc, const std::string& file = "net.json") {
    try {
        io::parse_model(doc, file);
    } catch (const input_error& e) {
        return e.what();
    }
    return "(accepted)";
}

struct Expected {
    Gid source;
    double weight, delay;
    std::uint32_t synapse;
};

void expect_incoming(const Network& net, Gid target, const std::vector<Expected>& expected) {
    std::vector<Connection> mine;
    for (const auto& c : net.incoming(target))
        if (c.source >= 20 && c.source < 60) mine.push_back(c);
    ASSERT_EQ(mine.size(), expected.size()) << "target " << target;
    for (std::size_t i = 0; i < mine.size(); ++i) {
        EXPECT_EQ(mine[i].source, expected[i].source);
        EXPECT_EQ(mine[i].weight, expected[i].weight);
        EXPECT_EQ(mine[i].delay, expected[i].delay);
        EXPECT_EQ(mine[i].synapse, expected[i].synapse);
    }
}

}  // namespace

TEST(ExplicitConnections, InlineListKeepsValuesDuplicatesAndOrder) {
    const Model m = io::parse_model(listed({{"type", "explicit"},
                                            {"connections",
                                             {{3, 7, 0.5, 1.25}, {9, 2, -0.1, 2.0, "inh"}, {1, 7, 0.25, 3.5}, {3, 7, 0.5, 1.25}}}}),
                                    "net.json");
    const Network net(m);
    expect_incoming(net, 27, {{23, 0.5, 1.25, 0}, {21, 0.25, 3.5, 0}, {23, 0.5, 1.25, 0}});
    expect_incoming(net, 22, {{29, -0.1, 2.0, 1}});
    expect_incoming(net, 25, {});
    EXPECT_EQ(net.min_delay_bound(), 1.0);  // inh -> exc's 1.0 is the smallest of the model
}

TEST(ExplicitConnections, CsvAndHdf5FilesGiveTheSameConnections) {
    const fs::path csv = scratch("list.csv");
    write_text(csv, "# made by another tool\nsource,target,delay,weight,synapse\n3,7,1.25,0.5,\n9,2,2.0,-0.1,inh\n\n1,7,3.5,0.25,exc\n3,7,1.25,0.5,\n");
    const fs::path h5 = scratch("list.h5");
    {
        const hid_t f = H5Fcreate(h5.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        auto put = [&](const char* name, hid_t type, const void* data) {
            const hsize_t n = 4;
            const hid_t space = H5Screate_simple(1, &n, nullptr);
            const hid_t d = H5Dcreate2(f, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
            H5Dclose(d);
            H5Sclose(space);
        };
        const std::int64_t s[] = {3, 9, 1, 3}, t[] = {7, 2, 7, 7};
        const double w[] = {0.5, -0.1, 0.25, 0.5}, d[] = {1.25, 2.0, 3.5, 1.25};
        put("source", H5T_NATIVE_INT64, s);
        put("target", H5T_NATIVE_INT64, t);
        put("weight", H5T_NATIVE_DOUBLE, w);
        put("delay", H5T_NATIVE_DOUBLE, d);
        H5Fclose(f);
    }
    for (const fs::path& file : {csv, h5}) {
        const Model m = io::parse_model(listed({{"type", "explicit"}, {"file", file.string()}}), "net.json");
        const Network net(m);
        expect_incoming(net, 27, {{23, 0.5, 1.25, 0}, {21, 0.25, 3.5, 0}, {23, 0.5, 1.25, 0}});
        expect_incoming(net, 22, {{29, -0.1, 2.0, file == csv ? 1u : 0u}});
    }
    // Relative to the model file's folder.
    const Model m = io::parse_model(listed({{"type", "explicit"}, {"file", "list.csv"}}), (csv.parent_path() / "net.json").string());
    EXPECT_EQ(Network(m).incoming(27).size(), Network(io::parse_model(listed({{"type", "explicit"}, {"file", csv.string()}}), "n.json")).incoming(27).size());
}

TEST(ExplicitConnections, BadListsAreRefusedWithTheLineNamed) {
    const fs::path csv = scratch("bad.csv");
    struct Case {
        std::string text, expected;
    };
    const std::vector<Case> cases{
        {"source,target,weight\n1,2,0.5\n", ":1: the header has no column delay"},
        {"source,target,weight,delay,colour\n", ":1: expected a header of the columns source, target, weight, delay and optionally synapse, got column \"colour\""},
        {"source,target,weight,delay\n1,2,0.5\n", ":2: expected 4 comma-separated fields"},
        {"source,target,weight,delay\n1,2,0.5,1\n-1,2,0.5,1\n", ":3: source: expected a cell index >= 0, got \"-1\""},
        {"source,target,weight,delay\n1,2.5,0.5,1\n", ":2: target: expected a cell index >= 0, got \"2.5\""},
        {"source,target,weight,delay\n1,2,abc,1\n", ":2: weight: expected a finite number, got \"abc\""},
        {"source,target,weight,delay\n\n1,40,0.5,1\n", ":3: expected a source index < 40 (exc) and a target index < 40 (exc), got 1 -> 40"},
        {"source,target,weight,delay\n1,2,0.5,0.05\n", ":2: expected a delay >= dt (0.1 ms)"},
        {"source,target,weight,delay,synapse\n1,2,0.5,1,gaba\n", ":2: synapse: expected exc or inh (population exc is lif), got \"gaba\""},
        {"source,target,weight,delay\n4,4,0.5,1\n", ":2: expected two different cells (or allow_autapses: true), got 4 -> 4"},
        {"", "bad.csv: empty; expected a header line"},
    };
    for (const auto& c : cases) {
        write_text(csv, c.text);
        const std::string message = refusal(listed({{"type", "explicit"}, {"file", csv.string()}}));
        EXPECT_NE(message.find(csv.string().substr(0, csv.string().size() - 0)), std::string::npos) << message;
        EXPECT_NE(message.find(c.expected), std::string::npos) << c.text << "\n -> " << message;
    }
    EXPECT_NE(refusal(listed({{"type", "explicit"}, {"connections", {{1, 2, 0.5}}}})).find(
                  "net.json: projections[1].rule.connections[0]: expected [source index, target index, weight, delay]"),
              std::string::npos);
    auto with_weight = listed({{"type", "explicit"}, {"connections", {{1, 2, 0.5, 1}}}});
    with_weight["projections"][1]["weight"] = 0.1;
    EXPECT_NE(refusal(with_weight).find("projections[1].weight: expected no projection-wide value"), std::string::npos);
    EXPECT_NE(refusal(listed({{"type", "explicit"}, {"file", scratch("missing.csv").string()}})).find("missing.csv: cannot open"),
              std::string::npos);
    EXPECT_NE(refusal(listed({{"type", "explicit"}, {"file", "list.txt"}})).find("list.txt: expected a connection list ending in .csv"),
              std::string::npos);
    EXPECT_NE(refusal(listed({{"type", "explicit"}})).find("exactly one of"), std::string::npos);
    // HDF5: a missing dataset and a wrong type name the dataset.
    const fs::path h5 = scratch("bad.h5");
    {
        const hid_t f = H5Fcreate(h5.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        const hsize_t n = 1;
        const hid_t space = H5Screate_simple(1, &n, nullptr);
        const double x = 1.5;
        for (const char* name : {"source", "target", "weight"}) {
            const hid_t d = H5Dcreate2(f, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &x);
            H5Dclose(d);
        }
        H5Sclose(space);
        H5Fclose(f);
    }
    EXPECT_NE(refusal(listed({{"type", "explicit"}, {"file", h5.string()}})).find(
                  h5.string() + ": /source: expected a 1-d integer dataset, got a 1-d float dataset"),
              std::string::npos);
}
