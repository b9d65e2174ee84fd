#pragma once
// SIGTERM/SIGINT (mpirun forwards them to every rank): nothing of the run is complete yet, and
// the user should hear so once, from rank 0. A signal handler may only write a prepared message
// and exit, so the message is prepared here as the run goes (programs only: a library embedded in
// Python leaves the process's signals alone).
#include <filesystem>
#include <string>

namespace parnet::run {

// Installs the handlers; rank 0's message says that `out_dir` holds at most unfinished files.
void report_termination(const std::string& program, int rank, const std::filesystem::path& out_dir);
// After the outputs are complete: what an interruption now leaves behind.
void outputs_complete(int rank, const std::filesystem::path& out_dir);

}  // namespace parnet::run
