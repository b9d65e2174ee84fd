#include "spike_reader.hpp"

#include "hdf5_handle.hpp"

namespace parnet::io {

namespace {
template <class T>
std::vector<T> read_dataset(hid_t group, const std::string& name, hid_t memory_type, const H5Errors& errors,
                            const std::string& where) {
    H5Dataset dataset(errors.id(H5Dopen2(group, name.c_str(), H5P_DEFAULT), "open dataset " + where));
    H5Dataspace space(errors.id(H5Dget_space(dataset.get()), "read the shape of " + where));
    if (H5Sget_simple_extent_ndims(space.get()) != 1) errors.fail("read " + where + ": expected a 1-d dataset");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.get(), &n, nullptr);
    std::vector<T> values(n);
    if (n > 0) errors.status(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read " + where);
    return values;
}
}  // namespace

std::vector<Spike> read_spikes(const std::filesystem::path& file, std::span<const SpikePopulation> populations,
                               const std::vector<std::size_t>& required) {
    H5QuietErrors quiet;
    const H5Errors errors(file.string());
    H5File f(errors.id(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open the spike file"));
    std::vector<Spike> spikes;
    for (std::size_t p = 0; p < populations.size(); ++p) {
        const SpikePopulation& pop = populations[p];
        const std::string group_path = "/spikes/" + pop.name;
        if (!errors.truth(H5Lexists(f.get(), "/spikes", H5P_DEFAULT), "look for /spikes") ||
            !errors.truth(H5Lexists(f.get(), group_path.c_str(), H5P_DEFAULT), "look for " + group_path)) {
            for (std::size_t r : required)
                if (r == p) errors.fail("find " + group_path + ": the replayed cells receive spikes from population " + pop.name);
            continue;
        }
        H5Group group(errors.id(H5Gopen2(f.get(), group_path.c_str(), H5P_DEFAULT), "open " + group_path));
        const auto times = read_dataset<double>(group.get(), "timestamps", H5T_NATIVE_DOUBLE, errors, group_path + "/timestamps");
        const auto ids = read_dataset<std::uint64_t>(group.get(), "node_ids", H5T_NATIVE_UINT64, errors, group_path + "/node_ids");
        if (times.size() != ids.size())
            errors.fail("read " + group_path + ": timestamps and node_ids differ in length");
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] >= pop.count)
                errors.fail("read " + group_path + "/node_ids: node id " + std::to_string(ids[i]) +
                            " is outside population " + pop.name + " (" + std::to_string(pop.count) + " cells)");
            spikes.push_back(Spike{pop.first + static_cast<Gid>(ids[i]), pop.detector, times[i]});
        }
    }
    return spikes;
}

std::vector<Spike> read_spikes(const std::filesystem::path& file, std::span<const PopulationRange> populations,
                               const std::vector<std::size_t>& required) {
    std::vector<SpikePopulation> own;
    for (const PopulationRange& p : populations) own.push_back({p.name, p.first, p.count, 0});
    return read_spikes(file, std::span<const SpikePopulation>(own), required);
}

}  // namespace parnet::io
