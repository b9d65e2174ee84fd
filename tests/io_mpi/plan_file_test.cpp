// Plan files: written by rank 0, read by every rank; refused for another model, rank count or
// size, and for out-of-range indices; broken files give messages naming the file and dataset.
#include "io/plan_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/errors.hpp"
#include "io_test_support.hpp"

namespace parnet::io {
namespace {

using namespace parnet::io_test;

constexpr std::uint64_t fingerprint = 0x0123456789abcdefull;

// Runs `check` and returns its input_error message ("" if it did not throw).
template <class Check>
std::string refusal(Check&& check) {
    try {
        check();
    } catch (const input_error& error) {
        return error.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(PlanFile, RoundTripOnEveryRank) {
    const auto path = scratch_dir() / "plan.h5";
    Plan plan = round_robin_plan(fingerprint, 1000, 3, 2);
    plan.method = "metis k-way";
    plan.predicted_load = {1.5, 2.25, 0.125};
    plan.rank_of_gid[7] = 2;   // not round-robin any more: the file must keep it
    plan.thread_of_gid[8] = 1;
    if (world_rank() == 0) write_plan(path, plan);
    MPI_Barrier(MPI_COMM_WORLD);
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".part"));
    const Plan read = read_plan(path);
    EXPECT_EQ(read.model_fingerprint, plan.model_fingerprint);
    EXPECT_EQ(read.ranks, 3u);
    EXPECT_EQ(read.threads, 2u);
    EXPECT_EQ(read.method, "metis k-way");
    EXPECT_EQ(read.rank_of_gid, plan.rank_of_gid);
    EXPECT_EQ(read.thread_of_gid, plan.thread_of_gid);
    EXPECT_EQ(read.predicted_load, plan.predicted_load);
    EXPECT_NO_THROW(check_plan(read, path, fingerprint, 1000, 3));

    Id file = open_file(path);
    ASSERT_GE(file.id, 0);
    EXPECT_TRUE(stored_as(file, "/rank_of_gid", H5T_STD_U32LE));
    EXPECT_TRUE(stored_as(file, "/thread_of_gid", H5T_STD_U16LE));
    EXPECT_TRUE(stored_as(file, "/predicted_load", H5T_IEEE_F64LE));
    EXPECT_EQ(string_attribute(file, "/", "format"), "parnet-plan");
    EXPECT_EQ(string_attribute(file, "/", "method"), "metis k-way");
    EXPECT_EQ(string_attribute(file, "/predicted_load", "units"), "s/s");
}

TEST(PlanFile, SplitsRoundTripAndBadSplitsAreRefused) {
    // One scratch folder for the whole test: scratch_dir() empties it on rank 0, which must not
    // happen while another rank still reads a file there.
    const auto dir = scratch_dir();
    const auto path = dir / "split_plan.h5";
    Plan plan = round_robin_plan(fingerprint, 100, 3, 2);
    SplitCellPlacement a;
    a.gid = 4;
    a.split.cuts = {10, 50, 77};
    a.piece_rank = {1, 0, 2, 1};
    a.piece_thread = {0, 1, 1, 0};
    SplitCellPlacement b;
    b.gid = 40;
    b.split.cuts = {3};
    b.piece_rank = {2, 2};
    b.piece_thread = {1, 0};
    plan.splits.cells = {a, b};
    if (world_rank() == 0) write_plan(path, plan);
    MPI_Barrier(MPI_COMM_WORLD);
    const Plan read = read_plan(path);
    ASSERT_EQ(read.splits.cells.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(read.splits.cells[i].gid, plan.splits.cells[i].gid);
        EXPECT_EQ(read.splits.cells[i].split.cuts, plan.splits.cells[i].split.cuts);
        EXPECT_EQ(read.splits.cells[i].piece_rank, plan.splits.cells[i].piece_rank);
        EXPECT_EQ(read.splits.cells[i].piece_thread, plan.splits.cells[i].piece_thread);
    }
    ASSERT_NE(read.splits.find(40), nullptr);
    EXPECT_EQ(read.splits.find(41), nullptr);
    // A plan without splits reads back without them.
    const auto plain = dir / "plain_plan.h5";
    if (world_rank() == 0) write_plan(plain, round_robin_plan(fingerprint, 100, 3, 2));
    MPI_Barrier(MPI_COMM_WORLD);
    EXPECT_TRUE(read_plan(plain).splits.empty());

    Plan bad = plan;
    bad.splits.cells[0].piece_rank[2] = 3;
    EXPECT_TRUE(contains(refusal([&] { write_plan(dir / "bad.h5", bad); }),
                         "split cell 0 (gid 4): piece 2 is placed on rank 3 thread 1 but the plan has 3 ranks x 2 threads"));
    bad = plan;
    bad.splits.cells[0].split.cuts = {50, 10, 77};
    EXPECT_TRUE(contains(refusal([&] { write_plan(dir / "bad.h5", bad); }), "expected ascending node numbers"));
    bad = plan;
    bad.splits.cells[1].piece_thread.pop_back();
    EXPECT_TRUE(contains(refusal([&] { write_plan(dir / "bad.h5", bad); }), "expected one entry per piece (2)"));
    bad = plan;
    std::swap(bad.splits.cells[0], bad.splits.cells[1]);
    EXPECT_TRUE(contains(refusal([&] { write_plan(dir / "bad.h5", bad); }), "expected ascending gids below 100"));
}

TEST(PlanFile, RoundRobinPlacesGidsInTurn) {
    const Plan plan = round_robin_plan(fingerprint, 10, 3, 2);
    EXPECT_EQ(plan.rank_of_gid, (std::vector<std::uint32_t>{0, 1, 2, 0, 1, 2, 0, 1, 2, 0}));
    EXPECT_EQ(plan.thread_of_gid, (std::vector<std::uint16_t>{0, 0, 0, 1, 1, 1, 0, 0, 0, 1}));
    EXPECT_EQ(plan.predicted_load.size(), 3u);
    EXPECT_EQ(plan.method, "round-robin");
}

TEST(PlanFile, CheckPlanRefusesWhatDoesNotFitTheRun) {
    const std::filesystem::path file = "run/plan.h5";
    const Plan plan = round_robin_plan(fingerprint, 100, 4, 2);
    EXPECT_EQ(refusal([&] { check_plan(plan, file, fingerprint, 100, 4); }), "");

    const std::string other_model = refusal([&] { check_plan(plan, file, fingerprint + 1, 100, 4); });
    EXPECT_TRUE(contains(other_model, "run/plan.h5: the plan was made for another model")) << other_model;
    EXPECT_TRUE(contains(other_model, "0x0123456789abcdef")) << other_model;

    const std::string other_ranks = refusal([&] { check_plan(plan, file, fingerprint, 100, 3); });
    EXPECT_TRUE(contains(other_ranks, "the plan is for 4 ranks but this run has 3")) << other_ranks;

    const std::string other_size = refusal([&] { check_plan(plan, file, fingerprint, 101, 4); });
    EXPECT_TRUE(contains(other_size, "/rank_of_gid has 100 entries but the model has 101 cells")) << other_size;

    Plan bad_rank = plan;
    bad_rank.rank_of_gid[42] = 4;
    const std::string rank_range = refusal([&] { check_plan(bad_rank, file, fingerprint, 100, 4); });
    EXPECT_TRUE(contains(rank_range, "gid 42 is placed on rank 4 but the plan has ranks 0..3")) << rank_range;

    Plan bad_thread = plan;
    bad_thread.thread_of_gid[9] = 2;
    const std::string thread_range = refusal([&] { check_plan(bad_thread, file, fingerprint, 100, 4); });
    EXPECT_TRUE(contains(thread_range, "gid 9 is placed on thread 2 but the plan has threads 0..1")) << thread_range;

    Plan short_threads = plan;
    short_threads.thread_of_gid.pop_back();
    EXPECT_TRUE(contains(refusal([&] { check_plan(short_threads, file, fingerprint, 100, 4); }),
                         "/thread_of_gid has 99 entries"));

    Plan short_loads = plan;
    short_loads.predicted_load.pop_back();
    EXPECT_TRUE(contains(refusal([&] { check_plan(short_loads, file, fingerprint, 100, 4); }),
                         "/predicted_load has 3 entries; expected one per rank (4)"));
}

// Writes a plan-like file with the C API, missing or mistyping what `damage` says.
void write_damaged_plan(const std::filesystem::path& path, const std::string& damage) {
    Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    auto string_attribute = [&](const char* name, const char* value) {
        Id type(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(type, H5T_VARIABLE);
        Id space(H5Screate(H5S_SCALAR), H5Sclose);
        Id attribute(H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
        H5Awrite(attribute, type, &value);
    };
    auto number_attribute = [&](const char* name, std::uint64_t value) {
        Id space(H5Screate(H5S_SCALAR), H5Sclose);
        Id attribute(H5Acreate2(file, name, H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
        H5Awrite(attribute, H5T_NATIVE_UINT64, &value);
    };
    auto dataset = [&](const char* name, hid_t type, hid_t memory, const void* values, hsize_t size) {
        Id space(H5Screate_simple(1, &size, nullptr), H5Sclose);
        Id set(H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
        H5Dwrite(set, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
    };
    string_attribute("format", damage == "format" ? "something-else" : "parnet-plan");
    number_attribute("format_version", 1);
    number_attribute("model_fingerprint", fingerprint);
    number_attribute("ranks", 2);
    if (damage != "threads") number_attribute("threads", 1);
    string_attribute("method", "hand-made");
    const std::uint32_t ranks[4] = {0, 1, 0, 1};
    const double float_ranks[4] = {0, 1, 0, 1};
    const std::uint16_t threads[4] = {0, 0, 0, 0};
    const double loads[2] = {1, 1};
    if (damage == "float ranks") {
        dataset("rank_of_gid", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, float_ranks, 4);
    } else if (damage != "no ranks") {
        dataset("rank_of_gid", H5T_STD_U32LE, H5T_NATIVE_UINT32, ranks, 4);
    }
    dataset("thread_of_gid", H5T_STD_U16LE, H5T_NATIVE_UINT16, threads, damage == "short threads" ? 3 : 4);
    dataset("predicted_load", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, loads, 2);
}

TEST(PlanFile, ReadPlanNamesTheFileAndWhatIsWrong) {
    const auto dir = scratch_dir();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"none", ""},
        {"no ranks", "dataset /rank_of_gid: missing (expected a 1-D unsigned integer dataset, one rank per gid)"},
        {"float ranks", "dataset /rank_of_gid: expected a 1-D unsigned integer dataset"},
        {"threads", ": /: missing attribute 'threads'"},
        {"format", "attribute format: expected \"parnet-plan\", got \"something-else\""},
        {"short threads", "dataset /thread_of_gid has 3 entries but /rank_of_gid has 4"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto path = dir / ("plan" + std::to_string(i) + ".h5");
        if (world_rank() == 0) write_damaged_plan(path, cases[i].first);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        SCOPED_TRACE(cases[i].first);
        const auto path = dir / ("plan" + std::to_string(i) + ".h5");
        for (const std::string& message : {refusal([&] { read_plan(path); }), refusal([&] { read_plan_part(path, 0); })}) {
            if (cases[i].second.empty()) {
                EXPECT_EQ(message, "");
            } else {
                EXPECT_TRUE(contains(message, path.string())) << message;
                EXPECT_TRUE(contains(message, cases[i].second)) << message;
            }
        }
    }
    const std::string missing = refusal([&] { read_plan(dir / "absent.h5"); });
    EXPECT_TRUE(contains(missing, "absent.h5: plan file not found")) << missing;
    if (world_rank() == 0) std::ofstream(dir / "text.h5") << "not hdf5";
    MPI_Barrier(MPI_COMM_WORLD);
    const std::string text = refusal([&] { read_plan(dir / "text.h5"); });
    EXPECT_TRUE(contains(text, "text.h5: not an HDF5 file")) << text;
}

// Each rank reads its own gids: from the rank-major datasets write_plan adds, and the same from a
// plan without them (as other tools write), read a slice at a time.
TEST(PlanFile, EachRankReadsItsOwnPart) {
    const auto dir = scratch_dir();
    Plan plan = round_robin_plan(fingerprint, 5000, 3, 2);
    for (Gid g = 0; g < 5000; ++g) {
        plan.rank_of_gid[g] = static_cast<std::uint32_t>((g * 7919u) % 11u % 3u);
        plan.thread_of_gid[g] = static_cast<std::uint16_t>(g % 5u % 2u);
    }
    plan.rank_of_gid[4999] = 1;
    if (world_rank() == 0) {
        write_plan(dir / "parts.h5", plan);
        write_plan(dir / "whole.h5", plan);
        Id file(H5Fopen((dir / "whole.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
        for (const char* name : {"rank_offsets", "gids_by_rank", "threads_by_rank"}) H5Ldelete(file.id, name, H5P_DEFAULT);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    for (const char* name : {"parts.h5", "whole.h5"}) {
        SCOPED_TRACE(name);
        for (std::uint32_t rank = 0; rank < 3; ++rank) {
            const PlanPart part = read_plan_part(dir / name, rank);
            std::vector<Gid> gids;
            std::vector<std::uint16_t> threads;
            for (Gid g = 0; g < 5000; ++g)
                if (plan.rank_of_gid[g] == rank) {
                    gids.push_back(g);
                    threads.push_back(plan.thread_of_gid[g]);
                }
            ASSERT_GT(gids.size(), 1000u);
            EXPECT_EQ(part.gids, gids) << "rank " << rank;
            EXPECT_EQ(part.thread_of, threads) << "rank " << rank;
            EXPECT_EQ(part.cells, 5000u);
            EXPECT_EQ(part.ranks, 3u);
            EXPECT_EQ(part.threads, 2u);
            EXPECT_NO_THROW(check_plan_part(part, dir / name, fingerprint, 5000, 3));
        }
        const std::string other = refusal([&] { check_plan_part(read_plan_part(dir / name, 0), dir / name, fingerprint, 5000, 4); });
        EXPECT_TRUE(contains(other, "the plan is for 3 ranks but this run has 4")) << other;
    }
    // A damaged rank-major part is refused by the rank reading it.
    if (world_rank() == 0) {
        write_plan(dir / "damaged.h5", plan);
        Id file(H5Fopen((dir / "damaged.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
        Id dataset(H5Dopen2(file.id, "gids_by_rank", H5P_DEFAULT), H5Dclose);
        const std::vector<std::uint32_t> backwards(5000, 3);
        H5Dwrite(dataset.id, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, backwards.data());
    }
    MPI_Barrier(MPI_COMM_WORLD);
    const std::string damaged = refusal([&] { read_plan_part(dir / "damaged.h5", 2); });
    EXPECT_TRUE(contains(damaged, "damaged.h5: dataset /gids_by_rank: rank 2's gids are not ascending")) << damaged;
}

TEST(PlanFile, WritePlanRefusesInconsistentPlansAndUnwritableFolders) {
    const auto dir = scratch_dir();
    Plan plan = round_robin_plan(fingerprint, 10, 2, 1);
    plan.predicted_load.push_back(0);
    EXPECT_THROW(write_plan(dir / "bad.h5", plan), input_error);
    EXPECT_FALSE(std::filesystem::exists(dir / "bad.h5"));
    const std::string unwritable = refusal([&] { write_plan(dir / "missing" / "plan.h5", round_robin_plan(1, 10, 2, 1)); });
    EXPECT_TRUE(contains(unwritable, "missing/plan.h5: cannot create the plan file")) << unwritable;
}

}  // namespace
}  // namespace parnet::io
