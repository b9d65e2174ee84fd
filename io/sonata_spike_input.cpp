#include "io/sonata_spike_input.hpp"

#include "io/hdf5_datasets.hpp"

#include <algorithm>
#include <cmath>

namespace parnet::io {

std::vector<std::vector<double>> read_sonata_spike_input(const std::filesystem::path& file, const std::string& population,
                                                         std::uint64_t node_count) {
    H5QuietErrors quiet;
    const H5Errors errors(file.string());
    if (!std::filesystem::is_regular_file(file)) throw input_error(file.string() + ": cannot open the spike input (no such file)");
    H5File f(errors.id(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open the spike input"));
    using Expect = InputDataset::Expect;
    std::string group = "spikes/" + population;
    std::string ids_name = "node_ids";
    if (!has_link(f.get(), group, errors)) {
        if (has_link(f.get(), "spikes/timestamps", errors)) {
            group = "spikes";
            ids_name = has_link(f.get(), "spikes/gids", errors) ? "gids" : "node_ids";
        } else {
            throw input_error(file.string() + ": /spikes/" + population + ": missing; expected the spikes of population " +
                              population + " (timestamps, node_ids)");
        }
    }
    const InputDataset times(f.get(), group + "/timestamps", "/" + group + "/timestamps", Expect::number, errors);
    const InputDataset ids(f.get(), group + "/" + ids_name, "/" + group + "/" + ids_name, Expect::integer, errors);
    if (ids.rows() != times.rows())
        ids.fail("expected " + std::to_string(times.rows()) + " values (as timestamps), got " + std::to_string(ids.rows()));
    const auto t = times.numbers();
    const auto n = ids.integers();
    std::vector<std::vector<double>> out(node_count);
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (n[i] < 0 || static_cast<std::uint64_t>(n[i]) >= node_count)
            ids.fail("spike " + std::to_string(i) + ": expected a node id of population " + population + " (< " +
                     std::to_string(node_count) + "), got " + std::to_string(n[i]));
        if (!std::isfinite(t[i]) || t[i] < 0)
            times.fail("spike " + std::to_string(i) + ": expected a time >= 0 ms, got " + std::to_string(t[i]));
        out[static_cast<std::size_t>(n[i])].push_back(t[i]);
    }
    for (auto& v : out) std::sort(v.begin(), v.end());
    return out;
}

}  // namespace parnet::io
