#include "io/output_claim.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "engine/errors.hpp"
#include "engine/memory_estimate.hpp"
#include "io/output_file.hpp"
#include "io/per_rank_parts.hpp"

namespace parnet::io {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_marker(const fs::path& marker) {
    std::ifstream in(marker);
    if (!in) throw input_error(marker.string() + ": cannot open the run marker");
    try {
        json doc = json::parse(in);
        if (!doc.is_object() || doc.value("format", "") != "parnet-run" || !doc.contains("token") ||
            !doc["token"].is_string())
            throw input_error(marker.string() + ": not a parnet run marker (expected \"format\": \"parnet-run\" and a token)");
        return doc;
    } catch (const json::exception& error) {
        throw input_error(marker.string() + ": not a valid run marker (" + error.what() + ")");
    }
}

std::string hex(std::uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

// Rank 0: removes what earlier runs left in the folder; returns the names removed.
std::vector<std::string> clear_folder(const fs::path& folder, const RunClaim& claim, std::string& earlier_run) {
    std::vector<std::string> names = claim.outputs;
    const fs::path marker = folder / run_marker_name;
    std::error_code error;
    if (fs::exists(marker, error)) {
        try {
            const json earlier = read_marker(marker);
            earlier_run = "runid " + std::to_string(earlier.value("runid", 0u)) + " of " + earlier.value("model", "?") +
                          ", started " + earlier.value("started", "?");
            for (const auto& name : earlier.value("outputs", json::array()))
                if (name.is_string()) names.push_back(name.get<std::string>());
        } catch (const input_error&) {
            earlier_run = "an unreadable marker";
        }
    }
    for (const auto& entry : fs::directory_iterator(folder, error)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(".part") && !entry.is_directory()) names.push_back(name);
    }
    names.push_back("ranks");
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::vector<std::string> removed;
    for (const auto& name : names) {
        // Only plain names: a marker cannot send the claim outside the folder.
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) continue;
        const fs::path path = folder / name;
        if (!fs::exists(fs::symlink_status(path, error))) continue;
        fs::remove_all(path, error);
        if (error) throw input_error(path.string() + ": cannot remove what an earlier run left: " + error.message());
        removed.push_back(name == "ranks" ? "ranks/ (per-rank parts)" : name);
    }
    return removed;
}

}  // namespace

std::string claim_output_folder(MPI_Comm comm, const fs::path& folder, const RunClaim& claim) {
    int rank = 0;
    int ranks = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    const std::string token = agree_run_token(comm);
    collectively(comm, [&] {
        if (rank != 0) return;
        if (folder.empty()) throw input_error("the output folder is an empty name: give a folder (run.output, -o)");
        std::error_code error;
        fs::create_directories(folder, error);
        if (error || !fs::is_directory(folder))
            throw input_error(folder.string() + ": cannot create the output folder: " +
                              (error ? error.message() : "not a folder"));
        // A full disk is refused now, not found out after the simulation.
        struct statvfs disk{};
        if (claim.bytes_needed > 0 && statvfs(folder.c_str(), &disk) == 0) {
            const double free = static_cast<double>(disk.f_bavail) * static_cast<double>(disk.f_frsize);
            if (claim.bytes_needed > free)
                throw input_error(folder.string() + ": the run writes at least " + format_bytes(claim.bytes_needed) +
                                  " (" + claim.bytes_what + ") but the disk of the output folder has " +
                                  format_bytes(free) + " free");
        }
        std::string earlier_run;
        const std::vector<std::string> removed = clear_folder(folder, claim, earlier_run);
        // Replacing this run's own outputs is what a rerun means; anything else is said.
        std::string list;
        for (const auto& name : removed)
            if (std::find(claim.outputs.begin(), claim.outputs.end(), name) == claim.outputs.end())
                list += (list.empty() ? "" : ", ") + name;
        if (!list.empty()) {
            std::fprintf(stderr, "%s: note: %s held outputs of an earlier run%s; removed %s\n", claim.program.c_str(),
                         folder.c_str(), earlier_run.empty() ? "" : (" (" + earlier_run + ")").c_str(), list.c_str());
        }
        json marker;
        marker["format"] = "parnet-run";
        marker["model"] = claim.model;
        marker["fingerprint"] = hex(claim.fingerprint);
        marker["runid"] = claim.runid;
        marker["started"] = utc_now();
        marker["ranks"] = ranks;
        marker["saving"] = claim.saving;
        marker["token"] = token;
        marker["outputs"] = claim.outputs;
        write_manifest(folder / run_marker_name, marker);
    });
    return token;
}

std::string claimed_token(const fs::path& folder) {
    const fs::path marker = folder / run_marker_name;
    std::error_code error;
    if (!fs::exists(marker, error)) return "";
    return read_marker(marker)["token"].get<std::string>();
}

void check_still_claimed(const fs::path& folder, const std::string& token, const std::string& file) {
    if (token.empty()) return;
    const fs::path marker = folder / run_marker_name;
    std::string now;
    try {
        now = claimed_token(folder);
    } catch (const input_error&) {
    }
    if (now != token)
        throw input_error(file + ": another run claimed " + folder.string() + " while this one ran (" + marker.string() +
                          (now.empty() ? " is gone" : " names run token " + now) + ", this run's is " + token +
                          "): this run's file is not put in place, so that the two runs' outputs do not mix");
}

}  // namespace parnet::io
