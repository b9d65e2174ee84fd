// Bad input through the real engine under mpirun: each malformed model ends a multi-rank job with
// its message printed once, a non-zero exit, and no output file that looks complete.
#include "malformed_models.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {
struct Outcome {
    int status = 0;
    std::string output;
};

fs::path scratch(const std::string& name) {
    const fs::path dir = fs::path(PARNET_BINARY_DIR) / "tests" / "scratch" / "engine_errors" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

Outcome run_engine(int ranks, const fs::path& model, const fs::path& dir, const std::string& extra = "") {
    const fs::path log = dir / "log.txt";
    std::ostringstream cmd;
    cmd << "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1 OMP_WAIT_POLICY=passive mpirun --oversubscribe -n " << ranks << " "
        << PARNET_BINARY_DIR << "/bin/engine --progress 0 " << extra << " " << model << " > " << log << " 2>&1";
    Outcome out;
    const int raw = std::system(cmd.str().c_str());
    out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128;
    std::ifstream in(log);
    out.output.assign(std::istreambuf_iterator<char>(in), {});
    return out;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

void expect_no_complete_output(const fs::path& out) {
    EXPECT_FALSE(fs::exists(out / "spikes.h5")) << out;
    EXPECT_FALSE(fs::exists(out / "report.json")) << out;
}
}  // namespace

TEST(EngineErrors, EveryMalformedModelFailsTheJobOnceWithItsMessage) {
    for (const auto& c : malformed_cases()) {
        const fs::path dir = scratch(c.name);
        const fs::path model = dir / "net.json";
        nlohmann::json doc = small_model();
        doc["run"]["output"] = (dir / "out").string();
        {
            std::ofstream f(model);
            if (c.mutate) {
                c.mutate(doc);
                f << doc.dump(1);
            } else {
                f << c.raw_text;
            }
        }
        const Outcome r = run_engine(2, model, dir);
        EXPECT_NE(r.status, 0) << c.name << "\n" << r.output;
        EXPECT_EQ(count(r.output, c.expected), 1u) << c.name << ": message not shown exactly once:\n" << r.output;
        EXPECT_EQ(count(r.output, model.string() + ": "), 1u) << c.name << ": file not named once:\n" << r.output;
        expect_no_complete_output(dir / "out");
    }
}

TEST(EngineErrors, BadModelEndsAThreeRankRun) {
    const fs::path dir = scratch("three_ranks_bad_model");
    nlohmann::json doc = small_model();
    doc["populations"][2]["count"] = -5;
    doc["run"]["output"] = (dir / "out").string();
    std::ofstream(dir / "net.json") << doc.dump();
    const Outcome r = run_engine(3, dir / "net.json", dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(count(r.output, "populations[2].count: expected a positive integer, got -5"), 1u) << r.output;
    expect_no_complete_output(dir / "out");
}

TEST(EngineErrors, UnwritableOutputFolderEndsAThreeRankRun) {
    const fs::path dir = scratch("three_ranks_unwritable");
    std::ofstream(dir / "a_file") << "not a folder";
    nlohmann::json doc = small_model();
    doc["run"]["output"] = (dir / "a_file" / "out").string();
    std::ofstream(dir / "net.json") << doc.dump();
    const Outcome r = run_engine(3, dir / "net.json", dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(count(r.output, "cannot create the output folder"), 1u) << r.output;
}

TEST(EngineErrors, UnknownOptionAndMissingFileAreReported) {
    const fs::path dir = scratch("options");
    Outcome r = run_engine(2, dir / "missing.json", dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(count(r.output, "missing.json: cannot open the model file"), 1u) << r.output;
    r = run_engine(2, dir / "missing.json", dir, "--threads 0");
    EXPECT_NE(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("--threads"), std::string::npos) << r.output;
}

TEST(EngineErrors, HelpDocumentsEveryOption) {
    const fs::path dir = scratch("help");
    const Outcome r = run_engine(1, "", dir, "--help");
    EXPECT_EQ(r.status, 0) << r.output;
    for (const char* opt : {"--plan", "--threads", "--output", "--tstop", "--progress", "--flush-interval", "--no-sort", "--quiet",
                            "--check", "--max-memory", "--watchdog"})
        EXPECT_NE(r.output.find(opt), std::string::npos) << opt << " missing from --help:\n" << r.output;
}
