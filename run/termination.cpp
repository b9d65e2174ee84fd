#include "run/termination.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace parnet::run {
namespace {

// Written before the handlers are installed, read only by them.
char program_name[64] = "parnet";
char interrupted_message[1024] = "";

extern "C" void on_termination(int signal) {
    if (interrupted_message[0] != '\0') {
        const char* what = signal == SIGINT ? ": interrupted (SIGINT): " : ": terminated (SIGTERM): ";
        [[maybe_unused]] auto a = write(STDERR_FILENO, program_name, std::strlen(program_name));
        [[maybe_unused]] auto b = write(STDERR_FILENO, what, std::strlen(what));
        [[maybe_unused]] auto c = write(STDERR_FILENO, interrupted_message, std::strlen(interrupted_message));
    } else {
        // Let rank 0's message out before mpirun sees ranks end and stops forwarding output.
        const timespec pause{1, 0};
        nanosleep(&pause, nullptr);
    }
    _exit(128 + signal);
}

}  // namespace

void report_termination(const std::string& program, int rank, const std::filesystem::path& out_dir) {
    std::snprintf(program_name, sizeof program_name, "%s", program.c_str());
    if (rank == 0)
        std::snprintf(interrupted_message, sizeof interrupted_message,
                      "no output of this run is complete; %s holds at most unfinished *.part files\n", out_dir.c_str());
    std::signal(SIGTERM, on_termination);
    std::signal(SIGINT, on_termination);
}

void outputs_complete(int rank, const std::filesystem::path& out_dir) {
    if (rank == 0)
        std::snprintf(interrupted_message, sizeof interrupted_message,
                      "the spike and trace outputs in %s are complete; report.json may be missing\n", out_dir.c_str());
}

}  // namespace parnet::run
