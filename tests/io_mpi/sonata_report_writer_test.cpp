// SONATA reports written collectively: ranks own interleaved nodes, listed in descending order,
// yet the file's columns are in ascending node id with the right element ids and values, so the
// file is the same for any rank count.
#include "io/sonata_report_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "engine/errors.hpp"
#include "io_test_support.hpp"

namespace parnet::io {
namespace {

using namespace parnet::io_test;

const std::vector<std::uint64_t> recorded_nodes = {3, 5, 8, 13, 21, 34, 55};

std::uint32_t elements_of(std::uint64_t node) { return static_cast<std::uint32_t>(node % 3 + 1); }
std::uint32_t element_id(std::uint64_t node, std::uint32_t k) { return static_cast<std::uint32_t>(node * 10 + k); }
// Exactly representable in float32 for the sizes used here.
float value_at(std::uint64_t row, std::uint64_t node, std::uint32_t k) {
    return static_cast<float>(row * 1000 + node) + static_cast<float>(k) * 0.125f;
}

struct LocalNodes {
    std::vector<std::uint64_t> nodes;
    std::vector<std::uint32_t> counts;
    std::vector<std::uint32_t> element_ids;
    std::size_t values_per_row = 0;
};

// Node i is recorded by rank i % ranks, listed in descending node order.
LocalNodes local_nodes(bool only_rank_zero = false) {
    LocalNodes local;
    for (std::size_t i = recorded_nodes.size(); i-- > 0;) {
        const int owner = only_rank_zero ? 0 : static_cast<int>(i % static_cast<std::size_t>(world_size()));
        if (owner != world_rank()) continue;
        const std::uint64_t node = recorded_nodes[i];
        local.nodes.push_back(node);
        local.counts.push_back(elements_of(node));
        for (std::uint32_t k = 0; k < elements_of(node); ++k) local.element_ids.push_back(element_id(node, k));
    }
    local.values_per_row = local.element_ids.size();
    return local;
}

std::vector<float> rows_of(const LocalNodes& local, std::uint64_t first_row, std::uint64_t rows) {
    std::vector<float> values;
    for (std::uint64_t row = first_row; row < first_row + rows; ++row) {
        for (const std::uint64_t node : local.nodes) {
            for (std::uint32_t k = 0; k < elements_of(node); ++k) values.push_back(value_at(row, node, k));
        }
    }
    return values;
}

void expect_report_matches(const std::filesystem::path& path, std::uint64_t rows) {
    ASSERT_TRUE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".part"));
    Id file = open_file(path);
    ASSERT_GE(file.id, 0);
    const std::string group = "/report/cortex";
    EXPECT_TRUE(stored_as(file, group + "/data", H5T_IEEE_F32LE));
    EXPECT_TRUE(stored_as(file, group + "/mapping/node_ids", H5T_STD_U64LE));
    EXPECT_TRUE(stored_as(file, group + "/mapping/index_pointers", H5T_STD_U64LE));
    EXPECT_TRUE(stored_as(file, group + "/mapping/element_ids", H5T_STD_U32LE));
    EXPECT_TRUE(stored_as(file, group + "/mapping/time", H5T_IEEE_F64LE));
    EXPECT_EQ(string_attribute(file, group + "/data", "units"), "mV");
    EXPECT_EQ(string_attribute(file, group + "/mapping/time", "units"), "ms");

    std::vector<std::uint64_t> pointers = {0};
    std::vector<std::uint32_t> element_ids;
    for (const std::uint64_t node : recorded_nodes) {
        pointers.push_back(pointers.back() + elements_of(node));
        for (std::uint32_t k = 0; k < elements_of(node); ++k) element_ids.push_back(element_id(node, k));
    }
    const std::uint64_t columns = pointers.back();
    EXPECT_EQ(read_all<std::uint64_t>(file, group + "/mapping/node_ids", H5T_NATIVE_UINT64), recorded_nodes);
    EXPECT_EQ(read_all<std::uint64_t>(file, group + "/mapping/index_pointers", H5T_NATIVE_UINT64), pointers);
    EXPECT_EQ(read_all<std::uint32_t>(file, group + "/mapping/element_ids", H5T_NATIVE_UINT32), element_ids);
    EXPECT_EQ(read_all<double>(file, group + "/mapping/time", H5T_NATIVE_DOUBLE), (std::vector<double>{0.0, 2.0, 0.1}));
    {
        Id attribute(H5Aopen_by_name(file, (group + "/mapping/node_ids").c_str(), "sorted", H5P_DEFAULT, H5P_DEFAULT),
                     H5Aclose);
        std::uint8_t sorted = 0;
        H5Aread(attribute, H5T_NATIVE_UINT8, &sorted);
        EXPECT_EQ(sorted, 1);
    }
    ASSERT_EQ(shape_of(file, group + "/data"), (std::vector<hsize_t>{rows, columns}));
    const auto data = read_all<float>(file, group + "/data", H5T_NATIVE_FLOAT);
    std::size_t wrong = 0;
    for (std::uint64_t row = 0; row < rows; ++row) {
        std::uint64_t column = 0;
        for (const std::uint64_t node : recorded_nodes) {
            for (std::uint32_t k = 0; k < elements_of(node); ++k, ++column) {
                wrong += data[row * columns + column] != value_at(row, node, k) ? 1 : 0;
            }
        }
    }
    EXPECT_EQ(wrong, 0u);
}

TEST(SonataReportWriter, RowsForCountsLikeLibsonata) {
    EXPECT_EQ(SonataReportWriter::rows_for(0.0, 2.0, 0.1), 20u);
    EXPECT_EQ(SonataReportWriter::rows_for(0.0, 100.0, 0.025), 4000u);
    EXPECT_EQ(SonataReportWriter::rows_for(0.0, 1.0, 0.3), 4u);   // 0, 0.3, 0.6, 0.9
    EXPECT_EQ(SonataReportWriter::rows_for(5.0, 6.0, 1.0), 1u);
}

TEST(SonataReportWriter, ColumnsFollowNodeIdsWhateverRankRecordsThem) {
    const auto path = scratch_dir() / "report.h5";
    const LocalNodes local = local_nodes();
    {
        SonataReportWriter writer(MPI_COMM_WORLD, path, "cortex", local.nodes, local.counts, local.element_ids, 0.0, 2.0,
                                  0.1, "mV");
        ASSERT_EQ(writer.expected_rows(), 20u);
        std::uint64_t row = 0;
        for (const std::uint64_t rows : {7u, 6u, 7u}) {   // several appends
            writer.append(rows_of(local, row, rows), rows);
            row += rows;
        }
        writer.finish();
    }
    expect_report_matches(path, 20);
}

TEST(SonataReportWriter, RanksWithoutNodesTakePart) {
    const auto path = scratch_dir() / "report.h5";
    const LocalNodes local = local_nodes(true);
    {
        SonataReportWriter writer(MPI_COMM_WORLD, path, "cortex", local.nodes, local.counts, local.element_ids, 0.0, 2.0,
                                  0.1, "mV");
        // Ranks with nothing may pass 0 rows or the same row count.
        writer.append(rows_of(local, 0, 10), world_rank() == 0 ? 10 : 0);
        writer.append(rows_of(local, 10, 10), 10);
        writer.finish();
    }
    expect_report_matches(path, 20);
}

TEST(SonataReportWriter, IncompleteReportThrowsAndLeavesNoFile) {
    const auto path = scratch_dir() / "report.h5";
    const LocalNodes local = local_nodes();
    {
        SonataReportWriter writer(MPI_COMM_WORLD, path, "cortex", local.nodes, local.counts, local.element_ids, 0.0, 2.0,
                                  0.1, "mV");
        writer.append(rows_of(local, 0, 19), 19);
        EXPECT_THROW(writer.append(rows_of(local, 19, 2), 2), input_error);   // past tstop
        EXPECT_THROW(writer.finish(), input_error);                          // one row short
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".part"));
}

TEST(SonataReportWriter, RefusesBadMappings) {
    const auto dir = scratch_dir();
    // Node 1 recorded on every rank (twice on one rank when alone).
    const std::vector<std::uint64_t> nodes = world_size() == 1 ? std::vector<std::uint64_t>{1, 1}
                                                               : std::vector<std::uint64_t>{1};
    const std::vector<std::uint32_t> counts(nodes.size(), 1);
    const std::vector<std::uint32_t> ids(nodes.size(), 0);
    try {
        SonataReportWriter writer(MPI_COMM_WORLD, dir / "twice.h5", "cortex", nodes, counts, ids, 0.0, 1.0, 0.5, "mV");
        ADD_FAILURE() << "a node recorded twice was accepted";
    } catch (const input_error& error) {
        EXPECT_NE(std::string(error.what()).find("node 1 of population 'cortex' is recorded twice"), std::string::npos)
            << error.what();
    }
    // Counts that do not add up to the element ids, on one rank only: every rank throws.
    const std::vector<std::uint32_t> bad_ids(world_rank() == 0 ? 2 : 1, 0);
    const std::vector<std::uint64_t> one_node = {static_cast<std::uint64_t>(world_rank())};
    const std::vector<std::uint32_t> one_count = {1};
    bool threw = false;
    try {
        SonataReportWriter writer(MPI_COMM_WORLD, dir / "bad.h5", "cortex", one_node, one_count, bad_ids, 0.0, 1.0, 0.5,
                                  "mV");
    } catch (const input_error& error) {
        threw = true;
        EXPECT_NE(std::string(error.what()).find("element counts add up to 1 but 2 element ids"), std::string::npos)
            << error.what();
    }
    EXPECT_TRUE(on_every_rank(threw));
    EXPECT_THROW(SonataReportWriter(MPI_COMM_WORLD, dir / "t.h5", "cortex", {}, {}, {}, 1.0, 1.0, 0.1, "mV"), input_error);
    EXPECT_FALSE(std::filesystem::exists(dir / "twice.h5.part"));
}

}  // namespace
}  // namespace parnet::io
