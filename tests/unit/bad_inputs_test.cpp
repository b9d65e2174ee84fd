// Hostile input and faults through the real engine (issue 16): every refusal names its file, field
// or option, exits 1 and leaves no output that looks complete; runs that used to fail late or
// crash now finish or stop at once. Most cases run the engine alone (one rank, no mpirun) to stay
// fast; the multi-rank ones check that a message is printed once.
#include "malformed_models.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fs = std::filesystem;

namespace {
struct Outcome {
    int status = 0;
    std::string output;
};

const std::string mpi_env =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_mpi_yield_when_idle=1 OMP_WAIT_POLICY=passive ";

fs::path scratch(const std::string& name) {
    const fs::path dir = fs::path(PARNET_BINARY_DIR) / "tests" / "scratch" / "bad_inputs" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

Outcome run_command(const std::string& command, const fs::path& dir) {
    const fs::path log = dir / "log.txt";
    Outcome out;
    const int raw = std::system((mpi_env + command + " > " + log.string() + " 2>&1").c_str());
    out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + (WIFSIGNALED(raw) ? WTERMSIG(raw) : 0);
    std::ifstream in(log);
    out.output.assign(std::istreambuf_iterator<char>(in), {});
    return out;
}

std::string engine() { return std::string(PARNET_BINARY_DIR) + "/bin/engine --progress 0 "; }

// The engine alone on one rank (MPI singleton).
Outcome run_alone(const std::string& args, const fs::path& dir) { return run_command(engine() + args, dir); }

Outcome run_ranks(int ranks, const std::string& args, const fs::path& dir) {
    return run_command("mpirun --oversubscribe -n " + std::to_string(ranks) + " " + engine() + args, dir);
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

fs::path write_model(const fs::path& dir, const nlohmann::json& doc, const std::string& name = "net.json") {
    std::ofstream(dir / name) << doc.dump(1);
    return dir / name;
}

nlohmann::json model_into(const fs::path& out) {
    nlohmann::json doc = small_model();
    doc["run"]["output"] = out.string();
    return doc;
}

// No file that passes for complete: no SONATA file, part or manifest anywhere in the folder, and
// no run report.
void expect_no_complete_output(const fs::path& out) {
    EXPECT_FALSE(fs::exists(out / "report.json")) << out;
    std::error_code error;
    for (const auto& entry : fs::recursive_directory_iterator(out, error)) {
        const std::string name = entry.path().filename().string();
        EXPECT_FALSE(name.ends_with(".h5") || name.ends_with(".manifest.json")) << entry.path();
    }
}

void expect_refused(const Outcome& r, const std::string& expected, const std::string& where) {
    EXPECT_EQ(r.status, 1) << where << "\n" << r.output;
    EXPECT_EQ(count(r.output, expected), 1u) << where << ": message not shown exactly once:\n" << r.output;
    EXPECT_EQ(r.output.find("Segmentation"), std::string::npos) << where << "\n" << r.output;
    EXPECT_EQ(r.output.find("bad_alloc"), std::string::npos) << where << "\n" << r.output;
}
}  // namespace

TEST(BadInputs, EveryHostileModelIsRefusedWithItsFileAndField) {
    const auto cases = hostile_cases();
    EXPECT_GE(cases.size(), 40u);
    for (const auto& c : cases) {
        const fs::path dir = scratch("model_" + c.name);
        nlohmann::json doc = model_into(dir / "out");
        const fs::path model = dir / "net.json";
        if (c.mutate) {
            c.mutate(doc);
            write_model(dir, doc);
        } else {
            std::ofstream(model) << c.raw_text;
        }
        const Outcome r = run_alone(model.string(), dir);
        expect_refused(r, c.expected, c.name);
        EXPECT_EQ(count(r.output, model.string() + ": "), 1u) << c.name << ": file not named once:\n" << r.output;
        expect_no_complete_output(dir / "out");
    }
}

TEST(BadInputs, OversizedModelIsRefusedOnceOnTwoRanksAndRunsWhenAllowed) {
    const fs::path dir = scratch("oversized_two_ranks");
    nlohmann::json doc = model_into(dir / "out");
    doc["projections"][0]["rule"] = {{"type", "fixed_indegree"}, {"indegree", 1000000000}, {"allow_multapses", true}};
    const fs::path model = write_model(dir, doc);
    Outcome r = run_ranks(2, model.string(), dir);
    expect_refused(r, "projections[0].rule.indegree: 4e+10 connections need about 1.6 TB", "two ranks");
    EXPECT_NE(r.output.find("on 2 ranks (800 GB per rank)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--max-memory"), std::string::npos) << r.output;
    // An explicit limit overrides the node's memory (here only validated, not built).
    r = run_alone("--check --max-memory 2000 " + model.string(), dir);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("valid"), std::string::npos) << r.output;
}

// Options, plan files and spike files given on the command line.
TEST(BadInputs, BadOptionsPlansAndSpikeFilesAreRefusedByName) {
    const fs::path dir = scratch("options");
    const fs::path model = write_model(dir, model_into(dir / "out"));
    const std::string m = " " + model.string();
    // A valid earlier run and plan to misuse.
    ASSERT_EQ(run_alone("-q -o " + (dir / "earlier").string() + m, dir).status, 0);
    const fs::path spikes = dir / "earlier" / "spikes.h5";
    const fs::path plan2 = dir / "plan2.h5";
    ASSERT_EQ(run_command(std::string(PARNET_BINARY_DIR) + "/bin/plan --static-costs -n 2 -o " + plan2.string() + m, dir).status, 0);
    nlohmann::json other = model_into(dir / "out");
    other["populations"][1]["count"] = 41;
    const fs::path other_model = write_model(dir, other, "other.json");
    std::ofstream(dir / "not_hdf5.h5") << "not an HDF5 file";
    nlohmann::json renamed = model_into(dir / "out");
    renamed["populations"][0]["name"] = "thalamus";
    renamed["projections"][0]["source"] = "thalamus";
    const fs::path renamed_model = write_model(dir, renamed, "renamed.json");

    struct Case {
        std::string args;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"--tstop nan" + m, "--tstop: expected a positive finite number, got nan"},
        {"--tstop inf" + m, "--tstop: expected a positive finite number, got inf"},
        {"--tstop -5" + m, "--tstop: expected a positive finite number, got -5"},
        {"--tstop 0" + m, "--tstop: expected a positive finite number, got 0"},
        {"--tstop abc" + m, "--tstop: expected a positive finite number, got abc"},
        {"--tstop 1e19" + m, "--tstop: expected at most 1e12 steps of dt (0.1 ms of " + model.string() + "), i.e. tstop <= 1e+11 ms, got 1e+19"},
        {"--tstop 1e-9" + m, "--tstop: expected a time no shorter than dt (0.1 ms), got 1e-09"},
        {"--flush-interval nan" + m, "--flush-interval: expected a positive finite number, got nan"},
        {"--flush-interval 0" + m, "--flush-interval: expected a positive finite number, got 0"},
        {"--progress nan" + m, "--progress: expected a finite number >= 0, got nan"},
        {"--progress -1" + m, "--progress: expected a finite number >= 0, got -1"},
        {"--max-memory 0" + m, "--max-memory: expected a positive finite number, got 0"},
        {"--max-memory nan" + m, "--max-memory: expected a positive finite number, got nan"},
        {"--threads 0" + m, "--threads"},
        {"--threads abc" + m, "--threads"},
        {"--saving bogus" + m, "unknown saving strategy 'bogus': expected one of collective, per-rank, rank0"},
        {"-o ''" + m, "--output: expected the name of a folder, got an empty string"},
        {"--bogus" + m, "The following argument was not expected: --bogus"},
        {"", "model is required"},
        {m + m, "The following argument was not expected"},
        {dir.string(), dir.string() + ": is a folder, expected the model file"},
        {(dir / "missing.json").string(), "missing.json: cannot open the model file for reading"},
        {"--gids 3" + m, "--gids names the cells to replay: it needs --replay"},
        {"--replay " + (dir / "missing.h5").string() + " --gids 3" + m, "--replay: File does not exist"},
        {"--replay " + spikes.string() + m, "--replay needs the cells to replay: --gids 3,17,..."},
        {"--replay " + spikes.string() + " --gids 999" + m, "--gids: gid 999 is not in the model (70 cells)"},
        {"--replay " + spikes.string() + " --gids 25 --plan " + plan2.string() + m, "--replay and --plan do not go together"},
        {"--replay " + (dir / "not_hdf5.h5").string() + " --gids 25" + m, "not_hdf5.h5"},
        {"--replay " + spikes.string() + " --gids 25 " + renamed_model.string(), "thalamus"},
        {"--plan " + (dir / "missing_plan.h5").string() + m, "missing_plan.h5"},
        {"--plan " + (dir / "not_hdf5.h5").string() + m, "not_hdf5.h5"},
        {"--plan " + plan2.string() + m, plan2.string()},                                   // made for 2 ranks
        {"--plan " + plan2.string() + " " + other_model.string(), plan2.string()},          // another model
    };
    for (const auto& c : cases) {
        const Outcome r = run_alone(c.args, dir);
        EXPECT_EQ(r.status, 1) << c.args << "\n" << r.output;
        EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.args << ": expected '" << c.expected << "' in:\n" << r.output;
        EXPECT_EQ(r.output.find("Segmentation"), std::string::npos) << c.args << "\n" << r.output;
    }
    expect_no_complete_output(dir / "out");
}

// Issue 16: a trace every step for 100 s of simulated time failed at the end ("holds 4000000
// rows but its time range needs 4000001"): the row count came from adding dt up.
TEST(BadInputs, LongTracedRunKeepsItsReport) {
    const fs::path dir = scratch("long_traced_run");
    const nlohmann::json doc = nlohmann::json::parse(R"({
      "run": {"tstop": 100000, "dt": 0.025},
      "populations": [{"name": "exc", "count": 1, "kind": "lif"}],
      "recordings": {"traces": [{"population": "exc", "interval": 0.025}]}})");
    const fs::path model = write_model(dir, doc);
    const Outcome r = run_alone("-q -o " + (dir / "out").string() + " " + model.string(), dir);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(fs::exists(dir / "out" / "exc.h5")) << r.output;
    // 4e6 rows of one float, plus the file's structure.
    EXPECT_GT(fs::file_size(dir / "out" / "exc.h5"), 16'000'000u);
}

// Issue 16: a traced model with a huge tstop sat in set-up (the row loop), and a tstop of 1e19
// overflowed the step count and exited 0 with complete-looking files.
TEST(BadInputs, HugeTstopIsRefusedAtOnce) {
    const fs::path dir = scratch("huge_tstop");
    nlohmann::json doc = model_into(dir / "out");
    doc["recordings"]["traces"] = nlohmann::json::array({{{"population", "exc"}}});
    const fs::path model = write_model(dir, doc);
    for (const char* tstop : {"1e19", "1e12"}) {
        const Outcome r = run_alone(std::string("--tstop ") + tstop + " " + model.string(), dir);
        expect_refused(r, "--tstop: expected at most 1e12 steps of dt", tstop);
        expect_no_complete_output(dir / "out");
    }
}

// Issue 16: --replay failed with HDF5 "addr overflow" when a traced population had no replayed
// cell. Now that trace has no file, the run says so, and the replayed cells' outputs are written.
TEST(BadInputs, ReplayWithATracedPopulationOfNoReplayedCell) {
    const fs::path dir = scratch("replay_untraced");
    nlohmann::json doc = model_into(dir / "full");
    doc["recordings"]["traces"] = nlohmann::json::array({{{"population", "exc"}}});
    const fs::path model = write_model(dir, doc);
    ASSERT_EQ(run_alone("-q " + model.string(), dir).status, 0);
    for (const char* saving : {"collective", "per-rank", "rank0"}) {
        const fs::path out = dir / (std::string("replay_") + saving);
        // gid 65 is a cell of inh (intfire), not of the traced population exc.
        const Outcome r = run_alone("-q --saving " + std::string(saving) + " --replay " + (dir / "full" / "spikes.h5").string() +
                                        " --gids 65 -o " + out.string() + " " + model.string(),
                                    dir);
        EXPECT_EQ(r.status, 0) << saving << "\n" << r.output;
        EXPECT_NE(r.output.find("trace exc records no cell of this run"), std::string::npos) << r.output;
        EXPECT_TRUE(fs::exists(out / "report.json")) << saving;
        EXPECT_FALSE(fs::exists(out / "exc.h5")) << saving;
    }
}

TEST(BadInputs, CheckValidatesWithoutBuildingOrWriting) {
    const fs::path dir = scratch("check");
    const fs::path model = write_model(dir, model_into(dir / "out"));
    Outcome r = run_alone("--check " + model.string(), dir);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find(model.string() + ": valid: 70 cells in 3 populations"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "out"));
    r = run_ranks(2, "--check --tstop nan " + model.string(), dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(count(r.output, "--tstop: expected a positive finite number, got nan"), 1u) << r.output;
    r = run_alone("--help", dir);
    EXPECT_NE(r.output.find("--check"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--max-memory"), std::string::npos) << r.output;
}

// Issue 16: per-rank parts of an earlier run survived a later collective run into the same
// folder, and `consolidate` then put the older run's spikes over the newer spikes.h5 (exit 0).
TEST(BadInputs, StalePerRankPartsCannotOverwriteALaterRun) {
    const fs::path dir = scratch("stale_parts");
    const fs::path out = dir / "out";
    nlohmann::json doc = model_into(out);
    const fs::path model = write_model(dir, doc);
    ASSERT_EQ(run_ranks(2, "-q --saving per-rank " + model.string(), dir).status, 0);
    ASSERT_TRUE(fs::exists(out / "ranks"));
    doc["run"]["runid"] = 2;  // another network and other spikes
    write_model(dir, doc);
    Outcome r = run_ranks(2, "-q " + model.string(), dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(count(r.output, "engine: note: " + out.string() + " held outputs of an earlier run"), 1u) << r.output;
    EXPECT_EQ(count(r.output, "removed ranks/ (per-rank parts)"), 1u) << r.output;
    EXPECT_FALSE(fs::exists(out / "ranks"));
    const auto newer = fs::last_write_time(out / "spikes.h5");
    r = run_command(std::string(PARNET_BINARY_DIR) + "/bin/consolidate " + out.string(), dir);
    EXPECT_NE(r.status, 0) << r.output;
    EXPECT_EQ(fs::last_write_time(out / "spikes.h5"), newer);
}

// Issue 16: an output folder is claimed for one run. The marker names the run; what an earlier run
// left (unfinished .part files, per-rank parts of more ranks) is removed and said; consolidate
// refuses parts of another run than the one that claimed the folder, and a folder with no marker.
TEST(BadInputs, OutputFolderIsClaimedForOneRun) {
    const fs::path dir = scratch("claimed_folder");
    const fs::path out = dir / "out";
    nlohmann::json doc = model_into(out);
    doc["run"]["runid"] = 7;
    const fs::path model = write_model(dir, doc);
    fs::create_directories(out / "ranks" / "rank-5");
    std::ofstream(out / "ranks" / "rank-5" / "spikes.h5") << "an earlier run's part";
    std::ofstream(out / "exc.h5.part") << "an earlier run's unfinished file";
    Outcome r = run_ranks(2, "-q --saving per-rank " + model.string(), dir);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(count(r.output, "engine: note: " + out.string() + " held outputs of an earlier run; removed exc.h5.part, "
                              "ranks/ (per-rank parts)"),
              1u)
        << r.output;
    EXPECT_FALSE(fs::exists(out / "exc.h5.part"));
    EXPECT_FALSE(fs::exists(out / "ranks" / "rank-5"));
    const nlohmann::json marker = nlohmann::json::parse(std::ifstream(out / "parnet-run.json"));
    EXPECT_EQ(marker.at("format"), "parnet-run");
    EXPECT_EQ(marker.at("model"), model.string());
    EXPECT_EQ(marker.at("runid"), 7);
    EXPECT_EQ(marker.at("ranks"), 2);
    EXPECT_EQ(marker.at("saving"), "per-rank");
    EXPECT_EQ(marker.at("fingerprint").get<std::string>().size(), 16u);
    EXPECT_EQ(marker.at("token").get<std::string>().size(), 16u);
    EXPECT_EQ(marker.at("started").get<std::string>().size(), 20u);  // 2026-12-01T23:40:00Z
    const nlohmann::json manifest = nlohmann::json::parse(std::ifstream(out / "ranks" / "spikes.h5.manifest.json"));
    EXPECT_EQ(manifest.at("run_token"), marker.at("token"));
    // Another run into the folder; the first run's parts put back cannot be merged into it.
    fs::rename(out / "ranks", dir / "first_ranks");
    ASSERT_EQ(run_ranks(2, "-q --saving per-rank " + model.string(), dir).status, 0);
    fs::remove_all(out / "ranks");
    fs::rename(dir / "first_ranks", out / "ranks");
    const std::string consolidate = std::string(PARNET_BINARY_DIR) + "/bin/consolidate ";
    r = run_command(consolidate + out.string(), dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(count(r.output, "these parts belong to another run"), 1u) << r.output;
    EXPECT_FALSE(fs::exists(out / "spikes.h5"));
    // No marker: nothing shows the parts belong to the folder.
    fs::remove(out / "parnet-run.json");
    r = run_command(consolidate + out.string(), dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find((out / "parnet-run.json").string() + ": missing"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out / "spikes.h5"));
}

// Issue 16: consolidate followed "../" in a manifest's part list.
TEST(BadInputs, ConsolidateRefusesPartsOutsideTheRanksFolder) {
    const fs::path dir = scratch("manifest_escape");
    const fs::path out = dir / "out";
    const fs::path model = write_model(dir, model_into(out));
    ASSERT_EQ(run_ranks(2, "-q --saving per-rank " + model.string(), dir).status, 0);
    const fs::path manifest = out / "ranks" / "spikes.h5.manifest.json";
    nlohmann::json m = nlohmann::json::parse(std::ifstream(manifest));
    m["parts"][1] = "../../elsewhere/rank-1/spikes.h5";
    std::ofstream(manifest) << m.dump(2);
    const Outcome r = run_command(std::string(PARNET_BINARY_DIR) + "/bin/consolidate " + out.string(), dir);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find(manifest.string() + ": parts[1]: expected \"rank-1/spikes.h5\", got \"../../elsewhere/rank-1/spikes.h5\""),
              std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(out / "spikes.h5"));
}

// Runs `command` on 3 ranks under `timeout`, waits until `ready` (a shell condition) holds, sends
// SIGSTOP to the rank that `pgrep <which>` picks, and waits for the job's end. Checks that it ended
// with exit 1 and one message naming the stopped rank; prints the seconds from the stop to the end.
namespace {
Outcome stop_a_rank(const fs::path& dir, const std::string& command, const std::string& ready, const char* which) {
    const fs::path log = dir / "run.log";
    std::ofstream(dir / "stop_a_rank.sh")
        << "timeout 120 mpirun --oversubscribe -n 3 " << command << " > " << log.string() << " 2>&1 &\n"
        << "job=$!\nready() { " << ready << "; }\nuntil ready; do sleep 0.05; done\n"
        << "pid=$(pgrep " << which << " -f -x '" << command << "')\n"
        << "rank=$(tr '\\0' '\\n' < /proc/$pid/environ | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')\n"
        << "start=$(date +%s.%N)\nkill -STOP $pid\nwait $job\nstatus=$?\ncat " << log.string() << "\n"
        << "echo \"stopped rank $rank; the job ended $(awk \"BEGIN { print $(date +%s.%N) - $start }\") s after the stop\"\n"
        << "exit $status\n";
    const Outcome r = run_command("sh " + (dir / "stop_a_rank.sh").string(), dir);
    const auto at = r.output.find("stopped rank ");
    EXPECT_NE(at, std::string::npos) << r.output;
    if (at == std::string::npos) return r;
    std::cout << r.output.substr(at);
    EXPECT_EQ(r.status, 1) << r.output;  // 124 would be the timeout
    const std::string rank = r.output.substr(at + 13, 1);
    EXPECT_EQ(count(r.output, "engine: error"), 1u) << r.output;
    EXPECT_EQ(count(r.output, "engine: error: rank " + rank + " stopped answering"), 1u) << r.output;
    return r;
}
}  // namespace

// Issue 16: a rank that stops (SIGSTOP, a hung node) held the job for ever. With --watchdog 3 the
// job ends with one message naming the stopped rank (not a waiting one), whether it is the first
// judge (rank 0, the oldest process) or not (the newest); `timeout` turns a hang into a failure.
// The rank is stopped a second after the run is in its epoch loop (the layout line is printed
// after set-up).
TEST(BadInputs, StoppedRankEndsTheJobNamingIt) {
    const fs::path dir = scratch("stopped_rank");
    nlohmann::json doc = model_into(dir / "out");
    doc["run"]["tstop"] = 1e7;  // far longer than the test
    const fs::path model = write_model(dir, doc);
    const std::string command = engine() + "--watchdog 3 " + model.string();
    for (const char* which : {"-n", "-o"}) {
        const Outcome r = stop_a_rank(dir, command, "grep -qs layout " + (dir / "run.log").string() + " && sleep 1", which);
        EXPECT_NE(r.output.find("after epoch"), std::string::npos) << r.output;
        expect_no_complete_output(dir / "out");
    }
}

// Issue 16: the watchdog watched only the epoch loop, so a rank that stopped while the cells were
// being built held the job for ever. A network whose set-up takes about a second (1e7
// connections); a rank is stopped as soon as every rank's watchdog thread ("parnet-watch") is up,
// long before its set-up ends.
TEST(BadInputs, RankStoppedInTheSetUpEndsTheJobNamingIt) {
    const fs::path dir = scratch("stopped_in_setup");
    nlohmann::json doc = nlohmann::json::parse(R"({
      "run": {"tstop": 1000, "dt": 0.1},
      "populations": [{"name": "exc", "count": 100000, "kind": "lif"}],
      "projections": [{"source": "exc", "target": "exc", "rule": {"type": "fixed_indegree", "indegree": 100},
                       "weight": 0.1, "delay": 1.5}]})");
    doc["run"]["output"] = (dir / "out").string();
    const fs::path model = write_model(dir, doc);
    const std::string command = engine() + "--watchdog 3 " + model.string();
    const std::string watched = "n=0; for p in $(pgrep -f -x '" + command +
                                "'); do grep -qs parnet-watch /proc/$p/task/*/comm && n=$((n+1)); done; [ $n -eq 3 ]";
    const Outcome r = stop_a_rank(dir, command, watched, "-n");
    EXPECT_NE(r.output.find("during the set-up"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("layout"), std::string::npos) << r.output;  // it never reached the epoch loop
}

// Issue 16: a rank whose simulation makes no progress while its process and watchdog thread live
// on (a user's mechanism in an endless loop) held the job for ever; SIGSTOP above silences the
// whole process, so this is the watchdog's other verdict. Rank 2's `stuck` mechanism (the
// test catalogue lib/stuck.so) stops returning at 45 ms, in the fifth 10 ms epoch (a connection's
// delay sets the epoch); ranks 0 and 1 wait for it in the exchange and keep answering. The job must
// end with one message naming rank 2 (not the ranks waiting for it) as the one holding the others
// up, and no complete-looking output.
TEST(BadInputs, RankStuckInTheLoopEndsTheJobNamingIt) {
    const fs::path dir = scratch("stuck_rank");
    nlohmann::json doc = nlohmann::json::parse(R"({
      "run": {"tstop": 1e6, "dt": 0.025},
      "cell_templates": {"compartment": {"sections": [{"name": "soma", "length": 20, "diam": 20,
                                                        "mechanisms": {"hh": {}, "stuck": {}}}],
                                       "synapses": [{"name": "syn", "type": "expsyn", "section": "soma", "x": 0.5}]}},
      "populations": [{"name": "cells", "count": 6, "kind": "cable", "cell": "compartment"}],
      "projections": [{"source": "cells", "target": "cells", "rule": {"type": "fixed_indegree", "indegree": 1},
                       "weight": 0.0, "delay": 10, "synapse": "syn"}],
      "recordings": {"spikes": "all"}})");
    doc["run"]["output"] = (dir / "out").string();
    doc["catalogues"] = {PARNET_STUCK_CATALOGUE};
    const fs::path model = write_model(dir, doc);
    const std::string command = engine() + "--watchdog 3 " + model.string();
    const auto started = std::chrono::steady_clock::now();
    const Outcome r = run_command("timeout 120 mpirun --oversubscribe -n 2 " + command +
                                      " : -n 1 env PARNET_TEST_STUCK_AT_MS=45 " + command,
                                  dir);
    std::cout << "the job ended after "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s\n";
    EXPECT_EQ(r.status, 1) << r.output;  // 124 would be the timeout
    EXPECT_EQ(count(r.output, "engine: error"), 1u) << r.output;
    EXPECT_EQ(count(r.output, "though every rank answers the watchdog: rank 2, after epoch 4,"), 1u) << r.output;
    EXPECT_EQ(count(r.output, "holds the others up"), 1u) << r.output;
    expect_no_complete_output(dir / "out");
}

// Issue 16: a disk that fills during the run, and a write error was reported by every rank, each
// its own copy. lif cells' spikes are not in the up-front estimate, so the run starts and its
// writes fail part-way: every rank stops at that flush (the run is far too long to reach its end
// in the test's time), the message is printed once and names the file, and no file looks
// complete. Needs a small tmpfs (root with mount rights).
TEST(BadInputs, DiskFullDuringTheRunIsReportedOnce) {
    const fs::path dir = scratch("disk_fills");
    const fs::path disk = dir / "disk";
    fs::create_directories(disk);
    if (std::system(("mount -t tmpfs -o size=256k tmpfs " + disk.string() + " 2>/dev/null").c_str()) != 0)
        GTEST_SKIP() << "cannot mount a small tmpfs here";
    nlohmann::json doc = nlohmann::json::parse(R"({
      "run": {"tstop": 1000000, "dt": 0.1},
      "populations": [{"name": "exc", "count": 2000, "kind": "lif", "params": {"i_bias": 1.0}}]})");
    doc["run"]["output"] = (disk / "out").string();
    const fs::path model = write_model(dir, doc);
    for (const char* saving : {"collective", "per-rank", "rank0"}) {
        const Outcome r = run_ranks(2, "-q --saving " + std::string(saving) + " " + model.string(), dir);
        EXPECT_EQ(r.status, 1) << saving << "\n" << r.output;
        EXPECT_EQ(count(r.output, "engine: error"), 1u) << saving << "\n" << r.output;
        EXPECT_EQ(count(r.output, ".h5: cannot "), 1u) << saving << "\n" << r.output;
        EXPECT_EQ(r.output.find("Segmentation"), std::string::npos) << saving << "\n" << r.output;
        EXPECT_EQ(r.output.find("HDF5-DIAG"), std::string::npos) << saving << "\n" << r.output;
        expect_no_complete_output(disk / "out");
        fs::remove_all(disk / "out");
    }
    EXPECT_EQ(std::system(("umount " + disk.string()).c_str()), 0);
}

// Issue 16: SIGTERM/SIGINT to mpirun printed nothing about what was kept.
TEST(BadInputs, TerminatedRunSaysOnceThatNothingIsComplete) {
    const fs::path dir = scratch("terminated");
    nlohmann::json doc = model_into(dir / "out");
    doc["run"]["tstop"] = 1e7;  // far longer than the test
    const fs::path model = write_model(dir, doc);
    for (const char* signal : {"TERM", "INT"}) {
        // (mpirun passes SIGINT on to the ranks as SIGTERM.)
        // Signalled once the run is under way (its layout line is printed after set-up).
        const fs::path log = dir / "run.log";
        std::ofstream(dir / "terminate.sh") << "mpirun --oversubscribe -n 2 " << engine() << model.string() << " > " << log.string()
                                            << " 2>&1 &\njob=$!\nuntil grep -q layout " << log.string()
                                            << "; do sleep 0.2; done\nsleep 1\nkill -" << signal << " $job\nwait $job\nstatus=$?\ncat "
                                            << log.string() << "\nexit $status\n";
        const Outcome r = run_command("bash " + (dir / "terminate.sh").string(), dir);
        EXPECT_NE(r.status, 0) << r.output;
        EXPECT_EQ(count(r.output, "no output of this run is complete; " + (dir / "out").string() + " holds at most unfinished *.part files"), 1u)
            << signal << "\n" << r.output;
        expect_no_complete_output(dir / "out");
    }
}
