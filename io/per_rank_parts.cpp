#include "io/per_rank_parts.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <system_error>
#include <unistd.h>

#include "engine/errors.hpp"
#include "io/hdf5_attributes.hpp"

namespace parnet::io {

std::filesystem::path ranks_folder(const std::filesystem::path& final_path) {
    return final_path.parent_path() / "ranks";
}

std::filesystem::path part_path(const std::filesystem::path& ranks_dir, int rank, const std::string& file_name) {
    return ranks_dir / ("rank-" + std::to_string(rank)) / file_name;
}

std::filesystem::path manifest_path(const std::filesystem::path& ranks_dir, const std::string& file_name) {
    return ranks_dir / (file_name + ".manifest.json");
}

std::string agree_run_token(MPI_Comm comm) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    char token[17] = {};
    if (rank == 0) {
        std::random_device device;
        const auto now = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
        const std::uint64_t value = (std::uint64_t{device()} << 32 | device()) ^ now ^ (std::uint64_t(getpid()) << 17);
        std::snprintf(token, sizeof token, "%016llx", static_cast<unsigned long long>(value));
    }
    MPI_Bcast(token, 16, MPI_CHAR, 0, comm);
    return std::string(token, 16);
}

void write_part_attributes(hid_t file, std::string_view kind, int rank, int ranks, const std::string& token,
                           const H5Errors& errors) {
    write_string_attribute(file, "parnet_part_kind", kind, errors);
    write_scalar_attribute<std::uint32_t>(file, "parnet_part_rank", static_cast<std::uint32_t>(rank), errors);
    write_scalar_attribute<std::uint32_t>(file, "parnet_part_ranks", static_cast<std::uint32_t>(ranks), errors);
    write_string_attribute(file, "parnet_run_token", token, errors);
}

void write_manifest(const std::filesystem::path& path, const nlohmann::json& manifest) {
    const std::filesystem::path temporary = path.string() + ".part";
    {
        std::ofstream out(temporary);
        out << manifest.dump(2) << '\n';
        out.flush();
        if (!out) throw input_error(path.string() + ": cannot write the manifest (as " + temporary.string() + ")");
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        std::filesystem::remove(temporary, error);
        throw input_error(path.string() + ": cannot rename the manifest into place: " + error.message());
    }
}

void remove_stale_outputs(const std::filesystem::path& final_path, const std::filesystem::path& manifest) {
    for (const auto& path : {final_path, manifest}) {
        std::error_code error;
        std::filesystem::remove(path, error);
        if (error) throw input_error(path.string() + ": cannot remove the earlier file: " + error.message());
    }
}

}  // namespace parnet::io
