// Counts that come from times (engine/step_count.hpp) and the model's size estimate
// (engine/memory_estimate.hpp).
#include "engine/memory_estimate.hpp"
#include "engine/step_count.hpp"
#include "io/model_reader.hpp"
#include "io/sonata_report_writer.hpp"
#include "model_fixture.hpp"

#include <gtest/gtest.h>

using namespace parnet;

// Issue 16: adding 0.025 up 4e6 times drifts below 1e5, so the accumulated count was 4000001
// and a 100 s run traced every step failed at its end.
TEST(StepCount, LongRunsCountRowsByDivision) {
    EXPECT_EQ(sample_rows(0.0, 100000.0, 0.025), 4'000'000u);
    EXPECT_EQ(sample_rows(0.0, 300000.0, 0.1), 3'000'000u);
    EXPECT_EQ(io::SonataReportWriter::rows_for(0.0, 100000.0, 0.025), 4'000'000u);
    EXPECT_EQ(io::SonataReportWriter::rows_for(0.0, 300000.0, 0.1), 3'000'000u);
    // The sum that was used before, for the record.
    std::uint64_t accumulated = 0;
    for (double t = 0; t < 100000.0 - 1e-6; t += 0.025) ++accumulated;
    EXPECT_EQ(accumulated, 4'000'001u);
}

TEST(StepCount, WholeAndPartSteps) {
    EXPECT_EQ(steps_covering(100.0, 0.1), 1000u);
    EXPECT_EQ(steps_covering(100.05, 0.1), 1001u);
    EXPECT_EQ(steps_covering(0.3, 0.1), 3u);         // 0.3 / 0.1 = 2.9999999999999996
    EXPECT_EQ(steps_covering(0.0, 0.1), 0u);
    EXPECT_EQ(steps_covering(1e11, 0.1), 1'000'000'000'000u);
    // Rows of a trace every 3 steps over 1000 steps: steps 0, 3, ..., 999.
    EXPECT_EQ(sample_rows(0.0, 100.0, 0.30000000000000004), 334u);
    // Huge spans are counted at once (the loop sat in set-up for ever).
    EXPECT_EQ(sample_rows(0.0, 1e11, 0.1), 1'000'000'000'000u);
}

TEST(MemoryEstimate, NamesTheFieldThatAsksForTheMemory) {
    nlohmann::json doc = small_model();
    doc["projections"][0]["rule"] = {{"type", "fixed_indegree"}, {"indegree", 1000000000}, {"allow_multapses", true}};
    const Model model = io::parse_model(doc, "net.json");
    const MemoryEstimate estimate = estimate_memory(model, 100.0);
    ASSERT_FALSE(estimate.items.empty());
    EXPECT_EQ(estimate.items.front().field, "projections[0].rule.indegree");
    EXPECT_DOUBLE_EQ(estimate.items.front().bytes, 40.0 * 1e9 * bytes_per_connection);
    try {
        refuse_if_too_large(model, estimate, 4, 16e9, "--max-memory");
        FAIL() << "not refused";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("net.json: projections[0].rule.indegree: 4e+10 connections need about 1.6 TB; "
                                             "the model needs about 1.6 TB on 4 ranks (400 GB per rank), more than the "
                                             "16 GB a rank has (--max-memory)"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_NO_THROW(refuse_if_too_large(model, estimate, 4, 1e12, "--max-memory"));
}

TEST(MemoryEstimate, SmallModelIsSmall) {
    const Model model = io::parse_model(small_model(), "net.json");
    const MemoryEstimate estimate = estimate_memory(model, 100.0);
    EXPECT_LT(estimate.total_bytes(), 1e6);
    EXPECT_GT(estimate.total_bytes(), 70 * bytes_per_point_cell);
}
