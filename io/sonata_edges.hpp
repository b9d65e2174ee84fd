#pragma once
// The edge populations of a SONATA edges file (/edges/<population>), read target-centred: the
// edges onto a given set of target nodes are found through the file's target index
// (indices/target_to_source: node_id_to_range -> range_to_edge_id), and only their rows are read
// from source_node_id, edge_type_id, edge_group_id, edge_group_index and the edge groups'
// syn_weight, delay, nsyns, afferent_section_id and afferent_section_pos. A rank thus reads its own share of the edges, never the whole file.
// Every inconsistency (an index pointing outside the file, an edge whose target_node_id is not the
// node the index gave, a missing group) is refused naming the file and the dataset.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace parnet::io {

struct SonataEdgePopulationInfo {
    std::string name;
    std::string source_population;  // source_node_id's node_population attribute
    std::string target_population;  // target_node_id's node_population attribute
    std::uint64_t edges = 0;
};

// Edges onto the asked targets: target i's edges are rows [offsets[i], offsets[i+1]), in edge id order.
struct SonataEdgeRows {
    static constexpr double absent = std::numeric_limits<double>::quiet_NaN();
    std::vector<std::uint64_t> offsets;
    std::vector<std::uint64_t> edge_id;
    std::vector<std::uint64_t> source;
    std::vector<std::int64_t> type;
    std::vector<double> weight;  // the group's syn_weight, or absent (NaN)
    std::vector<double> delay;   // the group's delay, or absent
    std::vector<double> nsyns;   // the group's nsyns, or absent
    // Where the synapse sits on a biophysical target: the group's afferent_section_id (a
    // section index of the target cell) and afferent_section_pos (x in [0, 1]), or absent.
    std::vector<double> section_id;
    std::vector<double> section_pos;
};

class SonataEdgeFile {
public:
    explicit SonataEdgeFile(const std::filesystem::path& file);

    const std::string& file() const { return file_; }
    // In HDF5 name order.
    const std::vector<SonataEdgePopulationInfo>& populations() const { return populations_; }

    // The edges of population `p` onto `targets` (node ids, ascending, distinct). target_count and
    // source_count: sizes of the node populations, against which the index and the edges are checked.
    SonataEdgeRows incoming(std::size_t p, const std::vector<std::uint64_t>& targets, std::uint64_t target_count,
                            std::uint64_t source_count) const;

private:
    std::string file_;
    std::vector<SonataEdgePopulationInfo> populations_;
};

}  // namespace parnet::io
