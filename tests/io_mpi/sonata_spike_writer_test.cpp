// SONATA spike files written collectively: read back with the HDF5 C API, they hold exactly the
// union of every rank's spikes, with libsonata's layout, and (sorted) the same bytes at any rank
// count, because the expectation each test compares with is computed without ranks.
#include "io/sonata_spike_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>

#include "engine/errors.hpp"
#include "io_test_support.hpp"

namespace parnet::io {
namespace {

using namespace parnet::io_test;

// Listed out of gid order on purpose; gids 110..119 belong to no population.
std::vector<SpikePopulation> test_populations() {
    return {{"inhibitory", 60, 40}, {"excitatory", 0, 60}, {"silent", 100, 10}};
}
constexpr Gid test_gids = 120;

// Spikes of one gid: 0..5 spikes on a 0.25 ms grid in [0, 100) ms, so many spikes of different
// gids share a time (ties are broken by node id in a sorted file). The "silent" gids never fire.
std::vector<Spike> spikes_of(Gid gid) {
    std::vector<Spike> spikes;
    if (gid >= 100 && gid < 110) return spikes;
    const auto count = mix(gid) % 6;
    for (std::uint64_t k = 0; k < count; ++k) spikes.push_back({gid, static_cast<double>(mix(gid * 131 + k) % 400) * 0.25});
    return spikes;
}

// Gids owned round-robin; each rank's spikes in gid order, then shuffled deterministically so
// appends are not sorted.
std::vector<Spike> local_spikes(Gid gids = test_gids) {
    std::vector<Spike> spikes;
    for (Gid gid = static_cast<Gid>(world_rank()); gid < gids; gid += static_cast<Gid>(world_size())) {
        for (const Spike& spike : spikes_of(gid)) spikes.push_back(spike);
    }
    for (std::size_t i = spikes.size(); i > 1; --i) std::swap(spikes[i - 1], spikes[mix(i) % i]);
    return spikes;
}

struct PopulationContent {
    std::vector<double> timestamps;
    std::vector<std::uint64_t> node_ids;
};

// What a sorted file must hold, computed from every gid on one rank.
std::map<std::string, PopulationContent> expected_sorted(Gid gids = test_gids) {
    std::map<std::string, PopulationContent> expected;
    for (const auto& population : test_populations()) {
        std::vector<std::pair<double, std::uint64_t>> records;
        for (Gid gid = population.first; gid < population.first + population.count && gid < gids; ++gid) {
            for (const Spike& spike : spikes_of(gid)) records.emplace_back(spike.time, gid - population.first);
        }
        std::sort(records.begin(), records.end());
        PopulationContent& content = expected[population.name];
        for (const auto& [time, node] : records) {
            content.timestamps.push_back(time);
            content.node_ids.push_back(node);
        }
    }
    return expected;
}

PopulationContent read_population(hid_t file, const std::string& name) {
    return {read_all<double>(file, "/spikes/" + name + "/timestamps", H5T_NATIVE_DOUBLE),
            read_all<std::uint64_t>(file, "/spikes/" + name + "/node_ids", H5T_NATIVE_UINT64)};
}

// The `sorting` attribute: checks it is an enum on uint8 with exactly libsonata's members and
// returns its value (or -1 if anything is off).
int sorting_of(hid_t file, const std::string& group) {
    if (H5Aexists_by_name(file, group.c_str(), "sorting", H5P_DEFAULT) <= 0) return -1;
    Id attribute(H5Aopen_by_name(file, group.c_str(), "sorting", H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    Id type(H5Aget_type(attribute), H5Tclose);
    if (H5Tget_class(type) != H5T_ENUM || H5Tget_nmembers(type) != 3) return -1;
    Id base(H5Tget_super(type), H5Tclose);
    if (H5Tequal(base, H5T_STD_U8LE) <= 0) return -1;
    const char* names[] = {"none", "by_id", "by_time"};
    for (std::uint8_t value = 0; value < 3; ++value) {
        char name[16] = {};
        if (H5Tenum_nameof(type, &value, name, sizeof name) < 0 || std::string(name) != names[value]) return -1;
    }
    std::uint8_t value = 255;
    Id memory(H5Tget_native_type(type, H5T_DIR_DEFAULT), H5Tclose);
    H5Aread(attribute, memory, &value);
    return value;
}

// FNV-1a over the bytes of both datasets, to show (in the log) that the file is the same at any
// rank count.
std::uint64_t checksum(const PopulationContent& content) {
    std::uint64_t hash = 14695981039346656037ull;
    auto add = [&](const void* data, std::size_t bytes) {
        for (std::size_t i = 0; i < bytes; ++i) {
            hash ^= static_cast<const unsigned char*>(data)[i];
            hash *= 1099511628211ull;
        }
    };
    add(content.timestamps.data(), content.timestamps.size() * sizeof(double));
    add(content.node_ids.data(), content.node_ids.size() * sizeof(std::uint64_t));
    return hash;
}

void expect_sorted_file_matches(const std::filesystem::path& path, Gid gids = test_gids) {
    ASSERT_TRUE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".part"));
    Id file = open_file(path);
    ASSERT_GE(file.id, 0);
    for (const auto& [name, expected] : expected_sorted(gids)) {
        SCOPED_TRACE(name);
        const std::string group = "/spikes/" + name;
        EXPECT_TRUE(stored_as(file, group + "/timestamps", H5T_IEEE_F64LE));
        EXPECT_TRUE(stored_as(file, group + "/node_ids", H5T_STD_U64LE));
        EXPECT_EQ(string_attribute(file, group + "/timestamps", "units"), "ms");
        EXPECT_EQ(sorting_of(file, group), 2);
        const PopulationContent actual = read_population(file, name);
        EXPECT_EQ(actual.timestamps, expected.timestamps);
        EXPECT_EQ(actual.node_ids, expected.node_ids);
        if (world_rank() == 0) {
            std::printf("  %s: %zu spikes, checksum %016llx\n", name.c_str(), actual.timestamps.size(),
                        static_cast<unsigned long long>(checksum(actual)));
        }
    }
}

TEST(SonataSpikeWriter, SortedFileHoldsTheUnionOfAllRanksSpikes) {
    const auto path = scratch_dir() / "spikes.h5";
    const auto spikes = local_spikes();
    {
        SonataSpikeWriter writer(MPI_COMM_WORLD, path, test_populations());
        writer.append(spikes);
        writer.finish(true);
        const auto expected = expected_sorted();
        EXPECT_EQ(writer.spikes_written(), expected.at("excitatory").timestamps.size() +
                                               expected.at("inhibitory").timestamps.size());
    }
    expect_sorted_file_matches(path);
    // The expectation really has ties and an empty population.
    const auto expected = expected_sorted();
    EXPECT_TRUE(expected.at("silent").timestamps.empty());
    const auto& times = expected.at("excitatory").timestamps;
    EXPECT_NE(std::adjacent_find(times.begin(), times.end()), times.end());
}

TEST(SonataSpikeWriter, IncrementalAppendsGiveTheSameFileAsOneAppend) {
    const auto path = scratch_dir() / "spikes.h5";
    const auto spikes = local_spikes();
    {
        SonataSpikeWriter writer(MPI_COMM_WORLD, path, test_populations());
        // Uneven pieces, different on every rank, some empty.
        std::size_t begin = 0;
        for (int piece = 0; piece < 5; ++piece) {
            const std::size_t size = piece == 4 ? spikes.size() - begin
                                                : std::min<std::size_t>(spikes.size() - begin,
                                                                        mix(static_cast<std::uint64_t>(world_rank() * 7 + piece)) % 9);
            writer.append(std::span(spikes).subspan(begin, size));
            begin += size;
        }
        writer.append({});
        writer.finish(true);
    }
    expect_sorted_file_matches(path);
}

TEST(SonataSpikeWriter, UnsortedFileKeepsRankOrderAndSaysSortingNone) {
    const auto path = scratch_dir() / "spikes.h5";
    const auto spikes = local_spikes();
    {
        SonataSpikeWriter writer(MPI_COMM_WORLD, path, test_populations());
        writer.append(spikes);
        writer.finish(false);
    }
    // Expected: rank 0's spikes of the population in its order, then rank 1's, ...
    std::map<std::string, PopulationContent> expected;
    for (int rank = 0; rank < world_size(); ++rank) {
        std::vector<Spike> of_rank;
        for (Gid gid = static_cast<Gid>(rank); gid < test_gids; gid += static_cast<Gid>(world_size())) {
            for (const Spike& spike : spikes_of(gid)) of_rank.push_back(spike);
        }
        for (std::size_t i = of_rank.size(); i > 1; --i) std::swap(of_rank[i - 1], of_rank[mix(i) % i]);
        for (const Spike& spike : of_rank) {
            for (const auto& population : test_populations()) {
                if (spike.source >= population.first && spike.source < population.first + population.count) {
                    expected[population.name].timestamps.push_back(spike.time);
                    expected[population.name].node_ids.push_back(spike.source - population.first);
                }
            }
        }
    }
    Id file = open_file(path);
    ASSERT_GE(file.id, 0);
    for (const auto& population : test_populations()) {
        SCOPED_TRACE(population.name);
        EXPECT_EQ(sorting_of(file, "/spikes/" + population.name), 0);
        const PopulationContent actual = read_population(file, population.name);
        EXPECT_EQ(actual.timestamps, expected[population.name].timestamps);
        EXPECT_EQ(actual.node_ids, expected[population.name].node_ids);
    }
}

TEST(SonataSpikeWriter, PopulationsAndRanksWithoutSpikes) {
    const auto dir = scratch_dir();
    {   // Nobody spikes: every population's datasets exist, empty.
        SonataSpikeWriter writer(MPI_COMM_WORLD, dir / "none.h5", test_populations());
        writer.append({});
        writer.finish(true);
    }
    {   // Only the last rank spikes, and only in one population.
        SonataSpikeWriter writer(MPI_COMM_WORLD, dir / "one.h5", test_populations());
        std::vector<Spike> spikes;
        if (world_rank() == world_size() - 1) spikes = {{70, 2.5}, {61, 1.0}, {70, 1.0}, {115, 0.5}};
        writer.append(spikes);
        writer.finish(true);
    }
    {
        Id file = open_file(dir / "none.h5");
        ASSERT_GE(file.id, 0);
        for (const auto& population : test_populations()) {
            const std::string group = "/spikes/" + population.name;
            EXPECT_EQ(shape_of(file, group + "/timestamps"), std::vector<hsize_t>{0});
            EXPECT_EQ(shape_of(file, group + "/node_ids"), std::vector<hsize_t>{0});
            EXPECT_EQ(sorting_of(file, group), 2);
        }
    }
    Id file = open_file(dir / "one.h5");
    ASSERT_GE(file.id, 0);
    const auto inhibitory = read_population(file, "inhibitory");
    EXPECT_EQ(inhibitory.timestamps, (std::vector<double>{1.0, 1.0, 2.5}));
    EXPECT_EQ(inhibitory.node_ids, (std::vector<std::uint64_t>{1, 10, 10}));
    EXPECT_TRUE(read_population(file, "excitatory").timestamps.empty());
    EXPECT_TRUE(read_population(file, "silent").node_ids.empty());
}

TEST(SonataSpikeWriter, ManySpikesSortAcrossRanks) {
    // Enough spikes that every rank sends and receives in the sample sort; continuous times.
    const auto path = scratch_dir() / "spikes.h5";
    constexpr Gid gids = 60000;
    auto spikes_of_gid = [](Gid gid) {
        std::vector<Spike> spikes;
        for (std::uint64_t k = 0; k < mix(gid) % 8; ++k) {
            spikes.push_back({gid, static_cast<double>(mix(gid * 977 + k) >> 11) * 0x1.0p-53 * 1000.0});
        }
        return spikes;
    };
    std::vector<Spike> mine;
    for (Gid gid = static_cast<Gid>(world_rank()); gid < gids; gid += static_cast<Gid>(world_size())) {
        for (const Spike& spike : spikes_of_gid(gid)) mine.push_back(spike);
    }
    {
        SonataSpikeWriter writer(MPI_COMM_WORLD, path, {{"all", 0, gids}});
        writer.append(std::span(mine).first(mine.size() / 2));
        writer.append(std::span(mine).subspan(mine.size() / 2));
        writer.finish(true);
    }
    std::vector<std::pair<double, std::uint64_t>> records;
    for (Gid gid = 0; gid < gids; ++gid) {
        for (const Spike& spike : spikes_of_gid(gid)) records.emplace_back(spike.time, gid);
    }
    std::sort(records.begin(), records.end());
    Id file = open_file(path);
    ASSERT_GE(file.id, 0);
    const auto actual = read_population(file, "all");
    ASSERT_EQ(actual.timestamps.size(), records.size());
    bool same = true;
    for (std::size_t i = 0; i < records.size(); ++i) {
        same = same && actual.timestamps[i] == records[i].first && actual.node_ids[i] == records[i].second;
    }
    EXPECT_TRUE(same);
    // The data are integer arithmetic and exact scalings, so this checksum is fixed: the same
    // bytes at 1, 2 and 3 ranks (ctest runs each).
    EXPECT_EQ(checksum(actual), 0x7d4fe398ef0344e1ull);
}

TEST(SonataSpikeWriter, WriterDestroyedWithoutFinishLeavesNoFile) {
    const auto path = scratch_dir() / "spikes.h5";
    if (world_rank() == 0) std::ofstream(path) << "an earlier run's file";
    MPI_Barrier(MPI_COMM_WORLD);
    {
        SonataSpikeWriter writer(MPI_COMM_WORLD, path, test_populations());
        writer.append(local_spikes());
        EXPECT_TRUE(std::filesystem::exists(path.string() + ".part"));
    }   // as if an exception unwound every rank
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".part"));
}

TEST(SonataSpikeWriter, UnwritableFolderThrowsOnEveryRank) {
    const auto path = scratch_dir() / "no such folder" / "spikes.h5";
    bool threw = false;
    try {
        SonataSpikeWriter writer(MPI_COMM_WORLD, path, test_populations());
        writer.finish(true);
    } catch (const input_error& error) {
        threw = true;
        EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("cannot create"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(on_every_rank(threw));
}

TEST(SonataSpikeWriter, RefusesBadOrDifferingPopulations) {
    const auto dir = scratch_dir();
    EXPECT_THROW(SonataSpikeWriter(MPI_COMM_WORLD, dir / "a.h5", {{"a", 0, 10}, {"b", 5, 10}}), input_error);
    EXPECT_THROW(SonataSpikeWriter(MPI_COMM_WORLD, dir / "b.h5", {{"a/b", 0, 10}}), input_error);
    EXPECT_THROW(SonataSpikeWriter(MPI_COMM_WORLD, dir / "c.h5", {{"a", 0, 10}, {"a", 10, 10}}), input_error);
    // Ranks that disagree on the populations all refuse (at 1 rank there is nothing to disagree).
    const Gid count = world_rank() == 0 ? 10 : 11;
    bool threw = false;
    try {
        SonataSpikeWriter writer(MPI_COMM_WORLD, dir / "d.h5", {{"a", 0, count}});
        writer.finish(true);
    } catch (const input_error&) {
        threw = true;
    }
    EXPECT_EQ(threw, world_size() > 1);
    EXPECT_TRUE(on_every_rank(threw == (world_size() > 1)));
    EXPECT_FALSE(std::filesystem::exists(dir / "a.h5"));
    EXPECT_FALSE(std::filesystem::exists(dir / "a.h5.part"));
}

}  // namespace
}  // namespace parnet::io
