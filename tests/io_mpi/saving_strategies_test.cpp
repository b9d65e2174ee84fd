// The three saving strategies (collective, per-rank + consolidate, rank0) write the same data and
// the tests compare the resulting files object by object: every dataset's type, shape, maximum
// shape, chunking and raw bytes, every attribute's type and value, and the same set of objects.
// So at 3 ranks (ctest runs this suite at 1, 2 and 3) the strategies are shown to give
// byte-for-byte identical datasets. Also: consolidation refuses missing or incomplete parts with a
// message naming the file, and a sink destroyed without finish leaves no complete file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "engine/errors.hpp"
#include "io/consolidation.hpp"
#include "io/output_claim.hpp"
#include "io/output_sinks.hpp"
#include "io/saving_strategy.hpp"
#include "io_test_support.hpp"

namespace parnet::io {
namespace {

using namespace parnet::io_test;
namespace fs = std::filesystem;

const SavingStrategy all_strategies[] = {SavingStrategy::collective, SavingStrategy::per_rank, SavingStrategy::rank0};

std::string folder_of(SavingStrategy strategy) { return saving_strategy_name(strategy); }

// ---- test data -------------------------------------------------------------------------------

std::vector<SpikePopulation> populations() { return {{"inhibitory", 60, 40}, {"excitatory", 0, 60}, {"silent", 100, 10}}; }
constexpr Gid gids = 120;   // 110..119 are in no population

std::vector<Spike> spikes_of(Gid gid) {
    std::vector<Spike> spikes;
    if (gid >= 100 && gid < 110) return spikes;
    for (std::uint64_t k = 0; k < mix(gid) % 6; ++k) spikes.push_back({gid, static_cast<double>(mix(gid * 131 + k) % 400) * 0.25});
    if (gid == 7) {   // -0.0 and +0.0 of one node: the sort must order them the same everywhere
        spikes.push_back({gid, 0.0});
        spikes.push_back({gid, -0.0});
    }
    return spikes;
}

// This rank's spikes (gids round-robin), shuffled, cut into uneven appends that differ by rank.
std::vector<std::vector<Spike>> local_appends() {
    std::vector<Spike> spikes;
    for (Gid gid = static_cast<Gid>(world_rank()); gid < gids; gid += static_cast<Gid>(world_size())) {
        for (const Spike& spike : spikes_of(gid)) spikes.push_back(spike);
    }
    for (std::size_t i = spikes.size(); i > 1; --i) std::swap(spikes[i - 1], spikes[mix(i) % i]);
    std::vector<std::vector<Spike>> appends(5);
    std::size_t begin = 0;
    for (std::size_t a = 0; a < appends.size(); ++a) {
        const std::size_t size = a + 1 == appends.size()
                                     ? spikes.size() - begin
                                     : std::min<std::size_t>(spikes.size() - begin, mix(world_rank() * 7 + a) % 13);
        appends[a].assign(spikes.begin() + static_cast<std::ptrdiff_t>(begin),
                          spikes.begin() + static_cast<std::ptrdiff_t>(begin + size));
        begin += size;
    }
    return appends;
}

// Report: nodes 0..13, node n has 1 + n % 3 elements with ids 10n + k. Owner rank n % P, except
// that at 3 ranks rank 1 records nothing (a rank without values still takes part).
constexpr std::uint64_t report_nodes = 14;
int owner_of(std::uint64_t node) {
    int owner = static_cast<int>(node % static_cast<std::uint64_t>(world_size()));
    if (world_size() == 3 && owner == 1) owner = 2;
    return owner;
}
float value_of(std::uint64_t row, std::uint64_t node, std::uint32_t k) {
    return static_cast<float>(static_cast<double>(mix(row * 1000 + node * 10 + k) % 200001) * 1e-3 - 100.0);
}

struct LocalReport {
    std::vector<std::uint64_t> nodes;
    std::vector<std::uint32_t> counts;
    std::vector<std::uint32_t> element_ids;
};
LocalReport local_report() {
    LocalReport report;
    // Descending node order on purpose: the file must still be in ascending node id.
    for (std::uint64_t n = report_nodes; n-- > 0;) {
        if (owner_of(n) != world_rank()) continue;
        report.nodes.push_back(n);
        report.counts.push_back(static_cast<std::uint32_t>(1 + n % 3));
        for (std::uint32_t k = 0; k < 1 + n % 3; ++k) report.element_ids.push_back(static_cast<std::uint32_t>(10 * n + k));
    }
    return report;
}
constexpr double report_tstart = 0.0, report_tstop = 5.0, report_dt = 0.1;   // 50 rows

// ---- writing each way --------------------------------------------------------------------------

// The folder claimed for a run, as the engine does (io/output_claim.hpp): consolidation needs it.
void make_folder(const fs::path& dir) {
    RunClaim claim;
    claim.program = "test";
    claim_output_folder(MPI_COMM_WORLD, dir, claim);
}

// Rank 0 consolidates; every rank gets the error message ("" on success).
std::string consolidate_on_rank0(const fs::path& dir) {
    MPI_Barrier(MPI_COMM_WORLD);   // every rank has finished looking at the folder
    std::string message;
    if (world_rank() == 0) {
        try {
            consolidate_output(dir, dir / "ranks");
        } catch (const std::exception& error) {
            message = error.what();
            if (message.empty()) message = "error";
        }
    }
    int length = static_cast<int>(message.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
    message.resize(static_cast<std::size_t>(length));
    MPI_Bcast(message.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD);
    return message;
}

fs::path write_spikes(SavingStrategy strategy, const fs::path& dir, bool sort) {
    make_folder(dir);
    const fs::path path = dir / "spikes.h5";
    {
        auto sink = make_spike_sink(strategy, MPI_COMM_WORLD, path, populations());
        for (const auto& piece : local_appends()) sink->append(piece);
        sink->append({});
        sink->finish(sort);
    }
    if (strategy == SavingStrategy::per_rank) {
        EXPECT_FALSE(fs::exists(path)) << "per-rank finish must not merge";
        EXPECT_EQ(consolidate_on_rank0(dir), "");
    }
    return path;
}

fs::path write_report(SavingStrategy strategy, const fs::path& dir) {
    make_folder(dir);
    const fs::path path = dir / "soma_v.h5";
    const LocalReport mine = local_report();
    {
        auto sink = make_report_sink(strategy, MPI_COMM_WORLD, path, "cortex", mine.nodes, mine.counts,
                                     mine.element_ids, report_tstart, report_tstop, report_dt, "mV");
        const std::uint64_t rows = sink->expected_rows();
        EXPECT_EQ(rows, 50u);
        for (std::uint64_t row = 0; row < rows; row += 7) {
            const std::uint64_t count = std::min<std::uint64_t>(7, rows - row);
            std::vector<float> values;
            for (std::uint64_t r = row; r < row + count; ++r) {
                for (std::size_t i = 0; i < mine.nodes.size(); ++i) {
                    for (std::uint32_t k = 0; k < mine.counts[i]; ++k) values.push_back(value_of(r, mine.nodes[i], k));
                }
            }
            // Ranks without values may pass 0 rows.
            sink->append(values, mine.nodes.empty() ? 0 : count);
        }
        sink->finish();
    }
    if (strategy == SavingStrategy::per_rank) {
        EXPECT_EQ(consolidate_on_rank0(dir), "");
    }
    return path;
}

// ---- comparing files object by object ----------------------------------------------------------

std::vector<std::string> object_names(hid_t file) {
    std::vector<std::string> names;
    H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC,
             [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
                 static_cast<std::vector<std::string>*>(out)->push_back(name);
                 return 0;
             },
             &names);
    names.push_back(".");
    return names;
}

std::vector<std::string> attribute_names(hid_t object) {
    std::vector<std::string> names;
    hsize_t index = 0;
    H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index,
                [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
                    static_cast<std::vector<std::string>*>(out)->push_back(name);
                    return 0;
                },
                &names);
    return names;
}

// The attribute as comparable bytes: the string for strings, the raw stored bytes otherwise.
std::string attribute_value(hid_t object, const std::string& name) {
    Id attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
    Id type(H5Aget_type(attribute), H5Tclose);
    Id space(H5Aget_space(attribute), H5Sclose);
    if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
        char* text = nullptr;
        H5Aread(attribute, type, &text);
        std::string value = text != nullptr ? text : "";
        H5free_memory(text);
        return "string:" + value;
    }
    std::string bytes(H5Tget_size(type) * static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)), '\0');
    H5Aread(attribute, type, bytes.data());
    return bytes;
}

struct DatasetFacts {
    std::vector<hsize_t> dims, max_dims, chunk;
    H5D_layout_t layout = H5D_LAYOUT_ERROR;
    std::string bytes;
};

DatasetFacts facts_of(hid_t dataset) {
    DatasetFacts facts;
    Id space(H5Dget_space(dataset), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    facts.dims.resize(static_cast<std::size_t>(rank));
    facts.max_dims.resize(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, facts.dims.data(), facts.max_dims.data());
    Id creation(H5Dget_create_plist(dataset), H5Pclose);
    facts.layout = H5Pget_layout(creation);
    if (facts.layout == H5D_CHUNKED) {
        facts.chunk.resize(static_cast<std::size_t>(rank));
        H5Pget_chunk(creation, rank, facts.chunk.data());
    }
    Id type(H5Dget_type(dataset), H5Tclose);
    facts.bytes.assign(H5Tget_size(type) * static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)), '\0');
    if (!facts.bytes.empty()) H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, facts.bytes.data());
    return facts;
}

// Every difference between two files (empty if they hold the same objects, datasets and
// attributes byte for byte).
std::vector<std::string> differences(const fs::path& a, const fs::path& b) {
    std::vector<std::string> found;
    Id file_a = open_file(a);
    Id file_b = open_file(b);
    if (file_a.id < 0 || file_b.id < 0) return {"cannot open " + a.string() + " or " + b.string()};
    const auto names = object_names(file_a);
    if (names != object_names(file_b)) found.push_back("different objects");
    for (const auto& name : names) {
        Id object_a(H5Oopen(file_a, name.c_str(), H5P_DEFAULT), H5Oclose);
        Id object_b(H5Oopen(file_b, name.c_str(), H5P_DEFAULT), H5Oclose);
        if (object_b.id < 0) continue;
        const auto attributes = attribute_names(object_a);
        if (attributes != attribute_names(object_b)) found.push_back(name + ": different attributes");
        for (const auto& attribute : attributes) {
            Id attribute_a(H5Aopen(object_a, attribute.c_str(), H5P_DEFAULT), H5Aclose);
            Id attribute_b(H5Aopen(object_b, attribute.c_str(), H5P_DEFAULT), H5Aclose);
            if (attribute_b.id < 0) continue;
            Id type_a(H5Aget_type(attribute_a), H5Tclose);
            Id type_b(H5Aget_type(attribute_b), H5Tclose);
            if (H5Tequal(type_a, type_b) <= 0) found.push_back(name + " @" + attribute + ": different types");
            if (attribute_value(object_a, attribute) != attribute_value(object_b, attribute)) {
                found.push_back(name + " @" + attribute + ": different values");
            }
        }
        if (H5Iget_type(object_a) != H5I_DATASET) continue;
        Id type_a(H5Dget_type(object_a), H5Tclose);
        Id type_b(H5Dget_type(object_b), H5Tclose);
        if (H5Tequal(type_a, type_b) <= 0) found.push_back(name + ": different types");
        const DatasetFacts facts_a = facts_of(object_a);
        const DatasetFacts facts_b = facts_of(object_b);
        if (facts_a.dims != facts_b.dims) found.push_back(name + ": different shapes");
        if (facts_a.max_dims != facts_b.max_dims) found.push_back(name + ": different maximum shapes");
        if (facts_a.layout != facts_b.layout || facts_a.chunk != facts_b.chunk) found.push_back(name + ": different layout");
        if (facts_a.bytes != facts_b.bytes) found.push_back(name + ": different bytes");
    }
    return found;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
}

// ---- tests -------------------------------------------------------------------------------------

TEST(SavingStrategy, ParsesTheThreeNamesAndListsThemOnError) {
    EXPECT_EQ(parse_saving_strategy("collective"), SavingStrategy::collective);
    EXPECT_EQ(parse_saving_strategy("per-rank"), SavingStrategy::per_rank);
    EXPECT_EQ(parse_saving_strategy("per_rank"), SavingStrategy::per_rank);
    EXPECT_EQ(parse_saving_strategy("rank0"), SavingStrategy::rank0);
    for (const auto strategy : all_strategies) EXPECT_EQ(parse_saving_strategy(saving_strategy_name(strategy)), strategy);
    try {
        parse_saving_strategy("gather");
        FAIL() << "accepted an unknown strategy";
    } catch (const input_error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("'gather'"), std::string::npos) << message;
        EXPECT_NE(message.find("collective, per-rank, rank0"), std::string::npos) << message;
    }
}

TEST(SavingStrategy, SortedSpikeFilesAreIdenticalForEveryStrategy) {
    const fs::path dir = scratch_dir();
    std::map<SavingStrategy, fs::path> files;
    for (const auto strategy : all_strategies) files[strategy] = write_spikes(strategy, dir / folder_of(strategy), true);
    // The reference really holds spikes, ties, and a -0.0/+0.0 pair of one node.
    Id reference = open_file(files[SavingStrategy::collective]);
    ASSERT_GE(reference.id, 0);
    const auto times = read_all<double>(reference, "/spikes/excitatory/timestamps", H5T_NATIVE_DOUBLE);
    ASSERT_GT(times.size(), 50u);
    EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
    EXPECT_TRUE(std::signbit(times[0]) && times[0] == 0.0) << "-0.0 comes first";
    for (const auto strategy : {SavingStrategy::per_rank, SavingStrategy::rank0}) {
        SCOPED_TRACE(folder_of(strategy));
        const auto found = differences(files[SavingStrategy::collective], files[strategy]);
        EXPECT_TRUE(found.empty()) << joined(found);
    }
}

TEST(SavingStrategy, UnsortedSpikeFilesAreIdenticalForEveryStrategy) {
    const fs::path dir = scratch_dir();
    std::map<SavingStrategy, fs::path> files;
    for (const auto strategy : all_strategies) files[strategy] = write_spikes(strategy, dir / folder_of(strategy), false);
    for (const auto strategy : {SavingStrategy::per_rank, SavingStrategy::rank0}) {
        SCOPED_TRACE(folder_of(strategy));
        const auto found = differences(files[SavingStrategy::collective], files[strategy]);
        EXPECT_TRUE(found.empty()) << joined(found);
    }
}

TEST(SavingStrategy, ReportFilesAreIdenticalForEveryStrategy) {
    const fs::path dir = scratch_dir();
    std::map<SavingStrategy, fs::path> files;
    for (const auto strategy : all_strategies) files[strategy] = write_report(strategy, dir / folder_of(strategy));
    // The reference holds what was recorded: ascending nodes, values in their columns.
    Id reference = open_file(files[SavingStrategy::collective]);
    ASSERT_GE(reference.id, 0);
    const auto nodes = read_all<std::uint64_t>(reference, "/report/cortex/mapping/node_ids", H5T_NATIVE_UINT64);
    ASSERT_EQ(nodes.size(), report_nodes);
    EXPECT_TRUE(std::is_sorted(nodes.begin(), nodes.end()));
    const auto data = read_all<float>(reference, "/report/cortex/data", H5T_NATIVE_FLOAT);
    const auto shape = shape_of(reference, "/report/cortex/data");
    ASSERT_EQ(shape.size(), 2u);
    EXPECT_EQ(shape[0], 50u);
    // Node 13 (2 elements) sits in the last two columns.
    EXPECT_EQ(data[49 * shape[1] + shape[1] - 1], value_of(49, 13, 1));
    for (const auto strategy : {SavingStrategy::per_rank, SavingStrategy::rank0}) {
        SCOPED_TRACE(folder_of(strategy));
        const auto found = differences(files[SavingStrategy::collective], files[strategy]);
        EXPECT_TRUE(found.empty()) << joined(found);
    }
}

TEST(SavingStrategy, TheComparisonSeesADifferentValue) {
    // The file comparison itself can fail: one spike moved by 1 ms on one rank changes the bytes.
    const fs::path dir = scratch_dir();
    const fs::path a = write_spikes(SavingStrategy::rank0, dir / "a", true);
    make_folder(dir / "b");
    {
        auto sink = make_spike_sink(SavingStrategy::rank0, MPI_COMM_WORLD, dir / "b" / "spikes.h5", populations());
        auto appends = local_appends();
        for (auto& piece : appends) {
            if (!piece.empty() && world_rank() == world_size() - 1) {
                piece.front().time += 1.0;
                break;
            }
        }
        for (const auto& piece : appends) sink->append(piece);
        sink->finish(true);
    }
    EXPECT_FALSE(differences(a, dir / "b" / "spikes.h5").empty());
}

TEST(SavingStrategy, PerRankWritesOnePartPerRankAndAManifest) {
    const fs::path dir = scratch_dir();
    make_folder(dir);
    {
        auto sink = make_spike_sink(SavingStrategy::per_rank, MPI_COMM_WORLD, dir / "spikes.h5", populations());
        for (const auto& piece : local_appends()) sink->append(piece);
        sink->finish(true);
    }
    for (int r = 0; r < world_size(); ++r) EXPECT_TRUE(fs::exists(dir / "ranks" / ("rank-" + std::to_string(r)) / "spikes.h5"));
    std::ifstream manifest(dir / "ranks" / "spikes.h5.manifest.json");
    ASSERT_TRUE(manifest.good());
    const auto content = nlohmann::json::parse(manifest);
    EXPECT_EQ(content.at("ranks").get<int>(), world_size());
    EXPECT_EQ(content.at("complete").get<bool>(), true);
    EXPECT_EQ(content.at("sorting").get<std::string>(), "by_time");
    EXPECT_EQ(content.at("populations").size(), populations().size());
}

TEST(SavingStrategy, ConsolidationRefusesAMissingOrIncompletePart) {
    const fs::path dir = scratch_dir();
    write_spikes(SavingStrategy::per_rank, dir, true);
    const fs::path last = dir / "ranks" / ("rank-" + std::to_string(world_size() - 1)) / "spikes.h5";
    // Incomplete: only "<part>.part" is there (the rank never finished).
    if (world_rank() == 0) {
        fs::remove(dir / "spikes.h5");
        fs::rename(last, last.string() + ".part");
    }
    MPI_Barrier(MPI_COMM_WORLD);
    std::string message = consolidate_on_rank0(dir);
    EXPECT_NE(message.find(last.string()), std::string::npos) << message;
    EXPECT_NE(message.find("incomplete"), std::string::npos) << message;
    EXPECT_FALSE(fs::exists(dir / "spikes.h5"));
    EXPECT_FALSE(fs::exists(dir / "spikes.h5.part"));
    // Missing.
    if (world_rank() == 0) fs::remove(last.string() + ".part");
    MPI_Barrier(MPI_COMM_WORLD);
    message = consolidate_on_rank0(dir);
    EXPECT_NE(message.find(last.string()), std::string::npos) << message;
    EXPECT_NE(message.find("missing"), std::string::npos) << message;
    EXPECT_FALSE(fs::exists(dir / "spikes.h5"));
    // No manifest: the run did not finish.
    if (world_rank() == 0) fs::remove(dir / "ranks" / "spikes.h5.manifest.json");
    MPI_Barrier(MPI_COMM_WORLD);
    message = consolidate_on_rank0(dir);
    EXPECT_NE(message.find("no manifest"), std::string::npos) << message;
}

TEST(SavingStrategy, ConsolidationRefusesAPartOfAnotherRun) {
    const fs::path dir = scratch_dir();
    write_spikes(SavingStrategy::per_rank, dir / "first", true);
    write_spikes(SavingStrategy::per_rank, dir / "second", true);
    const fs::path part = dir / "second" / "ranks" / "rank-0" / "spikes.h5";
    if (world_rank() == 0) fs::copy_file(dir / "first" / "ranks" / "rank-0" / "spikes.h5", part, fs::copy_options::overwrite_existing);
    MPI_Barrier(MPI_COMM_WORLD);
    const std::string message = consolidate_on_rank0(dir / "second");
    EXPECT_NE(message.find(part.string()), std::string::npos) << message;
    EXPECT_NE(message.find("another run"), std::string::npos) << message;
}

TEST(SavingStrategy, ASinkDestroyedWithoutFinishLeavesNoCompleteFile) {
    const fs::path dir = scratch_dir();
    for (const auto strategy : all_strategies) {
        SCOPED_TRACE(folder_of(strategy));
        const fs::path out = dir / folder_of(strategy);
        make_folder(out);
        const LocalReport mine = local_report();
        {
            auto spikes = make_spike_sink(strategy, MPI_COMM_WORLD, out / "spikes.h5", populations());
            auto report = make_report_sink(strategy, MPI_COMM_WORLD, out / "soma_v.h5", "cortex", mine.nodes,
                                           mine.counts, mine.element_ids, report_tstart, report_tstop, report_dt, "mV");
            spikes->append(local_appends().front());
            std::vector<float> row;
            for (std::size_t i = 0; i < mine.element_ids.size(); ++i) row.push_back(1.0f);
            report->append(row, 1);
            // Destroyed here, as when an exception leaves the run.
        }
        MPI_Barrier(MPI_COMM_WORLD);
        for (const char* name : {"spikes.h5", "soma_v.h5"}) {
            EXPECT_FALSE(fs::exists(out / name)) << name;
            EXPECT_FALSE(fs::exists(out / (std::string(name) + ".part"))) << name;
            EXPECT_FALSE(fs::exists(out / "ranks" / (std::string(name) + ".manifest.json"))) << name;
            for (int r = 0; r < world_size(); ++r) {
                const fs::path part = out / "ranks" / ("rank-" + std::to_string(r)) / name;
                EXPECT_FALSE(fs::exists(part)) << part;
                EXPECT_FALSE(fs::exists(part.string() + ".part")) << part;
            }
        }
    }
}

TEST(SavingStrategy, AFolderClaimedByAnotherRunMeanwhileKeepsNoFileOfThisRun) {
    const fs::path dir = scratch_dir();
    for (const auto strategy : all_strategies) {
        SCOPED_TRACE(folder_of(strategy));
        const fs::path out = dir / folder_of(strategy);
        make_folder(out);
        auto sink = make_spike_sink(strategy, MPI_COMM_WORLD, out / "spikes.h5", populations());
        for (const auto& piece : local_appends()) sink->append(piece);
        make_folder(out);   // a second run claims the folder
        try {
            sink->finish(true);
            ADD_FAILURE() << "finished into a folder another run claimed";
        } catch (const input_error& error) {
            EXPECT_NE(std::string(error.what()).find("another run claimed " + out.string()), std::string::npos)
                << error.what();
        }
        sink.reset();
        MPI_Barrier(MPI_COMM_WORLD);
        EXPECT_FALSE(fs::exists(out / "spikes.h5"));
        EXPECT_FALSE(fs::exists(out / "ranks" / "spikes.h5.manifest.json"));
    }
}

TEST(SavingStrategy, AReportThatEndsEarlyIsRefusedByEveryStrategy) {
    const fs::path dir = scratch_dir();
    for (const auto strategy : all_strategies) {
        SCOPED_TRACE(folder_of(strategy));
        const fs::path out = dir / folder_of(strategy);
        make_folder(out);
        const LocalReport mine = local_report();
        auto report = make_report_sink(strategy, MPI_COMM_WORLD, out / "soma_v.h5", "cortex", mine.nodes, mine.counts,
                                       mine.element_ids, report_tstart, report_tstop, report_dt, "mV");
        std::vector<float> row(mine.element_ids.size(), 1.0f);
        report->append(row, 1);
        EXPECT_THROW(report->finish(), input_error);
        report.reset();
        MPI_Barrier(MPI_COMM_WORLD);
        EXPECT_FALSE(fs::exists(out / "soma_v.h5"));
        EXPECT_FALSE(fs::exists(out / "ranks" / "soma_v.h5.manifest.json"));
    }
}

}  // namespace
}  // namespace parnet::io
