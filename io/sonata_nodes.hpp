#pragma once
// The node populations of a SONATA nodes file (/nodes/<population>): per node its node_type_id,
// node_group_id and node_group_index, and the group attributes parnet uses (numbers under
// <group>/dynamics_params/, which override the node type's dynamics parameters per node). Node
// populations are small next to edges: every rank reads them whole (3 integers per node).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace parnet::io {

struct SonataNodeGroup {
    std::uint64_t rows = 0;  // length of its datasets (0 with none)
    bool has_rows = false;   // whether it has a dataset to take the length from
    std::map<std::string, std::vector<double>> dynamics_params;
};

struct SonataNodePopulation {
    std::string name;
    std::string file;
    std::uint64_t count = 0;
    std::vector<std::int64_t> node_type_id;
    std::vector<std::int64_t> node_group_id;
    std::vector<std::int64_t> node_group_index;
    std::map<std::int64_t, SonataNodeGroup> groups;

    // "<file>: /nodes/<name>"
    std::string where() const { return file + ": /nodes/" + name; }
};

// The populations in HDF5 name order, checked: the three per-node datasets present, integer and
// of one length; every node's group present and its index inside the group.
std::vector<SonataNodePopulation> read_sonata_nodes(const std::filesystem::path& file);

}  // namespace parnet::io
