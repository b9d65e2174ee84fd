#include "run/output_folder.hpp"

#include "engine/errors.hpp"

#include <sys/statvfs.h>

#include <cstdio>

namespace fs = std::filesystem;

namespace parnet::run {

void prepare_output_folder(const fs::path& out_dir, const std::vector<std::string>& files, io::SavingStrategy saving,
                           const MemoryItem& expected_output, const std::string& program) {
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec || !fs::is_directory(out_dir))
        throw input_error(out_dir.string() + ": cannot create the output folder (run.output): " +
                          (ec ? ec.message() : "not a folder"));
    // A full disk is refused now, not found out after the simulation.
    struct statvfs disk{};
    if (expected_output.bytes > 0 && statvfs(out_dir.c_str(), &disk) == 0) {
        const double free = static_cast<double>(disk.f_bavail) * static_cast<double>(disk.f_frsize);
        if (expected_output.bytes > free)
            throw input_error(out_dir.string() + ": the run writes at least " + format_bytes(expected_output.bytes) +
                              " (" + expected_output.what + ") but the disk of the output folder has " +
                              format_bytes(free) + " free");
    }
    // A result of an earlier run must not pass for this run's if this one fails.
    for (const auto& f : files) fs::remove(out_dir / f, ec);
    // Per-rank parts of an earlier run would let `consolidate` put that run's spikes over this
    // run's files: a run that does not save per rank removes them, and says so (a per-rank run
    // replaces them itself).
    const fs::path parts = out_dir / "ranks";
    if (saving != io::SavingStrategy::per_rank && fs::exists(parts)) {
        fs::remove_all(parts, ec);
        if (ec) throw input_error(parts.string() + ": cannot remove the per-rank parts of an earlier run: " + ec.message());
        std::fprintf(stderr, "%s: note: removed %s, the per-rank parts of an earlier run into this folder\n",
                     program.c_str(), parts.c_str());
    }
}

}  // namespace parnet::run
