#include "io/sonata_nodes.hpp"

#include "io/hdf5_datasets.hpp"

namespace parnet::io {

namespace {

using Expect = InputDataset::Expect;

// Per-node settings in a group that parnet would otherwise ignore: refused, not dropped.
const char* const per_node_models[] = {"model_type", "model_template", "morphology"};

SonataNodeGroup read_group(hid_t population, const std::string& group_name, const std::string& path,
                           const H5Errors& errors) {
    SonataNodeGroup group;
    H5Group g(errors.id(H5Gopen2(population, group_name.c_str(), H5P_DEFAULT), "open " + path));
    for (const std::string& member : group_members(g.get(), errors)) {
        const std::string member_path = path + "/" + member;
        for (const char* model : per_node_models)
            if (member == model)
                throw input_error(errors.file() + ": " + member_path + ": per-node " + member +
                                  " is not supported: give it in node_types.csv (one value per node type)");
        if (member == "dynamics_params") {
            H5Group params(errors.id(H5Gopen2(g.get(), member.c_str(), H5P_DEFAULT), "open " + member_path));
            for (const std::string& name : group_members(params.get(), errors)) {
                const InputDataset d(params.get(), name, member_path + "/" + name, Expect::number, errors);
                if (group.has_rows && d.rows() != group.rows)
                    d.fail("expected " + std::to_string(group.rows) + " values as the group's other datasets, got " +
                           std::to_string(d.rows()));
                group.rows = d.rows();
                group.has_rows = true;
                group.dynamics_params[name] = d.numbers();
            }
            continue;
        }
        // Other attributes (positions, tuning angles, ...) do not enter the simulation: only their length counts.
        const hid_t object = errors.id(H5Oopen(g.get(), member.c_str(), H5P_DEFAULT), "open " + member_path);
        const bool dataset = H5Iget_type(object) == H5I_DATASET;
        hsize_t rows = 0;
        if (dataset) {
            H5Dataspace space(errors.id(H5Dget_space(object), "read the shape of " + member_path));
            if (H5Sget_simple_extent_ndims(space.get()) >= 1) {
                hsize_t dims[H5S_MAX_RANK];
                H5Sget_simple_extent_dims(space.get(), dims, nullptr);
                rows = dims[0];
            }
        }
        H5Oclose(object);
        if (!dataset) continue;
        if (group.has_rows && rows != group.rows)
            throw input_error(errors.file() + ": " + member_path + ": expected " + std::to_string(group.rows) +
                              " values as the group's other datasets, got " + std::to_string(rows));
        group.rows = rows;
        group.has_rows = true;
    }
    return group;
}

}  // namespace

std::vector<SonataNodePopulation> read_sonata_nodes(const std::filesystem::path& file) {
    H5QuietErrors quiet;
    const H5Errors errors(file.string());
    if (!std::filesystem::is_regular_file(file)) throw input_error(file.string() + ": cannot open the nodes file (no such file)");
    H5File f(errors.id(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open the nodes file"));
    if (!has_link(f.get(), "nodes", errors)) throw input_error(file.string() + ": /nodes: missing; expected the group of node populations");
    H5Group nodes(errors.id(H5Gopen2(f.get(), "nodes", H5P_DEFAULT), "open /nodes"));
    std::vector<SonataNodePopulation> out;
    for (const std::string& name : group_members(nodes.get(), errors)) {
        SonataNodePopulation pop;
        pop.name = name;
        pop.file = file.string();
        const std::string path = "/nodes/" + name;
        H5Group g(errors.id(H5Gopen2(nodes.get(), name.c_str(), H5P_DEFAULT), "open " + path));
        const InputDataset type(g.get(), "node_type_id", path + "/node_type_id", Expect::integer, errors);
        const InputDataset group_id(g.get(), "node_group_id", path + "/node_group_id", Expect::integer, errors);
        const InputDataset group_index(g.get(), "node_group_index", path + "/node_group_index", Expect::integer, errors);
        pop.count = type.rows();
        for (const InputDataset* d : {&group_id, &group_index})
            if (d->rows() != pop.count)
                d->fail("expected " + std::to_string(pop.count) + " values (one per node, as node_type_id), got " +
                        std::to_string(d->rows()));
        if (has_link(g.get(), "node_id", errors)) {
            const InputDataset ids(g.get(), "node_id", path + "/node_id", Expect::integer, errors);
            const auto v = ids.integers();
            for (std::size_t i = 0; i < v.size(); ++i)
                if (v[i] != static_cast<std::int64_t>(i))
                    ids.fail("expected node ids 0, 1, 2, ... in order (parnet numbers nodes by position), got " +
                             std::to_string(v[i]) + " at " + std::to_string(i));
        }
        pop.node_type_id = type.integers();
        pop.node_group_id = group_id.integers();
        pop.node_group_index = group_index.integers();
        for (std::uint64_t i = 0; i < pop.count; ++i) {
            const std::int64_t gid = pop.node_group_id[i];
            auto it = pop.groups.find(gid);
            if (it == pop.groups.end()) {
                const std::string group_name = std::to_string(gid);
                if (gid < 0 || !has_link(g.get(), group_name, errors))
                    group_id.fail("node " + std::to_string(i) + ": expected the id of a group " + path + "/<id>, got " +
                                  std::to_string(gid) + " (no such group)");
                it = pop.groups.emplace(gid, read_group(g.get(), group_name, path + "/" + group_name, errors)).first;
            }
            const std::int64_t index = pop.node_group_index[i];
            if (index < 0 || (it->second.has_rows && static_cast<std::uint64_t>(index) >= it->second.rows))
                group_index.fail("node " + std::to_string(i) + ": expected an index into group " + std::to_string(gid) + " (< " +
                                 std::to_string(it->second.rows) + "), got " + std::to_string(index));
        }
        out.push_back(std::move(pop));
    }
    if (out.empty()) throw input_error(file.string() + ": /nodes: expected at least one node population, got none");
    return out;
}

}  // namespace parnet::io
