// tools/check_sonata.py (h5py) accepts the files the writers make at this rank count, and
// rejects damaged copies of them with a message that says what is wrong.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "io/sonata_report_writer.hpp"
#include "io/sonata_spike_writer.hpp"
#include "io_test_support.hpp"

namespace parnet::io {
namespace {

using namespace parnet::io_test;

const std::string python = "/usr/bin/python3";

// Runs a shell command on rank 0; returns its exit status and output (stdout and stderr).
std::pair<int, std::string> run(const std::string& command, const std::filesystem::path& output) {
    const int status = std::system((command + " > '" + output.string() + "' 2>&1").c_str());
    std::ifstream in(output);
    std::stringstream text;
    text << in.rdbuf();
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

bool h5py_available() {
    int available = 0;
    if (world_rank() == 0) available = std::system((python + " -c 'import h5py' > /dev/null 2>&1").c_str()) == 0;
    MPI_Bcast(&available, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return available != 0;
}

void write_files(const std::filesystem::path& spikes, const std::filesystem::path& report) {
    std::vector<Spike> local;
    for (Gid gid = static_cast<Gid>(world_rank()); gid < 50; gid += static_cast<Gid>(world_size())) {
        for (std::uint64_t k = 0; k < mix(gid) % 4 + 1; ++k) {
            local.push_back({gid, static_cast<double>(mix(gid * 31 + k) % 200) * 0.5});
        }
    }
    SonataSpikeWriter spike_writer(MPI_COMM_WORLD, spikes, {{"a", 0, 20}, {"b", 20, 30}});
    spike_writer.append(local);
    spike_writer.finish(true);

    std::vector<std::uint64_t> nodes;
    std::vector<std::uint32_t> counts;
    std::vector<std::uint32_t> element_ids;
    for (std::uint64_t node = static_cast<std::uint64_t>(world_rank()); node < 10; node += static_cast<std::uint64_t>(world_size())) {
        nodes.push_back(node);
        counts.push_back(2);
        element_ids.insert(element_ids.end(), {0, 1});
    }
    SonataReportWriter report_writer(MPI_COMM_WORLD, report, "a", nodes, counts, element_ids, 0.0, 5.0, 0.025, "mV");
    const std::vector<float> rows(report_writer.expected_rows() * element_ids.size(), -65.0f);
    report_writer.append(rows, report_writer.expected_rows());
    report_writer.finish();
}

TEST(CheckSonata, AcceptsWrittenFilesAndRejectsDamagedOnes) {
    if (!h5py_available()) GTEST_SKIP() << python << " with h5py is not installed";
    const auto dir = scratch_dir();
    const auto spikes = dir / "spikes.h5";
    const auto report = dir / "report.h5";
    write_files(spikes, report);
    if (world_rank() != 0) return;   // one checker run is enough

    const std::string checker = python + " '" + std::string(PARNET_SOURCE_DIR) + "/tools/check_sonata.py'";
    const auto [status, output] = run(checker + " --spikes '" + spikes.string() + "' --report '" + report.string() + "'",
                                      dir / "good.txt");
    EXPECT_EQ(status, 0) << output;
    EXPECT_NE(output.find("/report/a: 10 nodes, 20 elements, 200 rows"), std::string::npos) << output;

    // Damaged copies, made with h5py.
    const std::string damage = R"(
import h5py, numpy as np, shutil, sys
d = sys.argv[1]
def copy(name, source):
    shutil.copy(f'{d}/{source}', f'{d}/{name}')
    return h5py.File(f'{d}/{name}', 'r+')
with copy('float32.h5', 'spikes.h5') as f:
    t = f['spikes/a/timestamps'][()]
    del f['spikes/a/timestamps']
    f.create_dataset('spikes/a/timestamps', data=t.astype('f4')).attrs['units'] = 'ms'
with copy('unsorted.h5', 'spikes.h5') as f:
    t = f['spikes/b/timestamps']
    t[0], t[-1] = t[-1], t[0]
with copy('int_sorting.h5', 'spikes.h5') as f:
    f['spikes/a'].attrs['sorting'] = np.uint8(2)
with copy('pointers.h5', 'report.h5') as f:
    f['report/a/mapping/index_pointers'][-1] = 19
with copy('rows.h5', 'report.h5') as f:
    f['report/a/mapping/time'][1] = 6.0
)";
    {
        std::ofstream(dir / "damage.py") << damage;
    }
    const auto [damage_status, damage_output] = run(python + " '" + (dir / "damage.py").string() + "' '" + dir.string() + "'",
                                                    dir / "damage.txt");
    ASSERT_EQ(damage_status, 0) << damage_output;

    const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
        {"--spikes", "float32.h5", "/spikes/a/timestamps: dtype should be <f8, got <f4"},
        {"--spikes", "unsorted.h5", "/spikes/b/timestamps: sorting is by_time but entry"},
        {"--spikes", "int_sorting.h5", "/spikes/a: attribute sorting should be an HDF5 enum"},
        {"--report", "pointers.h5", "index_pointers: should end at the number of data columns (20), got 19"},
        {"--report", "rows.h5", "/report/a/data: has 200 rows but time [0.0, 6.0) at step 0.025 needs 240"},
    };
    for (const auto& [flag, name, expected] : cases) {
        SCOPED_TRACE(name);
        const auto [bad_status, bad_output] =
            run(checker + " " + flag + " '" + (dir / name).string() + "'", dir / (name + ".txt"));
        EXPECT_EQ(bad_status, 1) << bad_output;
        EXPECT_NE(bad_output.find(expected), std::string::npos) << bad_output;
    }
}

}  // namespace
}  // namespace parnet::io
