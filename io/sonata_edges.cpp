#include "io/sonata_edges.hpp"

#include "io/hdf5_attributes.hpp"
#include "io/hdf5_datasets.hpp"

#include <algorithm>
#include <map>
#include <numeric>

namespace parnet::io {

namespace {

using Expect = InputDataset::Expect;

H5File open_edges(const std::string& file, const H5Errors& errors) {
    if (!std::filesystem::is_regular_file(file)) throw input_error(file + ": cannot open the edges file (no such file)");
    return H5File(errors.id(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open the edges file"));
}

// Consecutive values of an ascending list as row ranges.
std::vector<RowRange> runs_of(const std::vector<std::uint64_t>& ids) {
    std::vector<RowRange> runs;
    for (std::uint64_t id : ids) {
        if (!runs.empty() && runs.back().last == id)
            ++runs.back().last;
        else
            runs.push_back({id, id + 1});
    }
    return runs;
}

std::string text(std::int64_t a, std::int64_t b) { return "[" + std::to_string(a) + ", " + std::to_string(b) + ")"; }

}  // namespace

SonataEdgeFile::SonataEdgeFile(const std::filesystem::path& file) : file_(file.string()) {
    H5QuietErrors quiet;
    const H5Errors errors(file_);
    H5File f = open_edges(file_, errors);
    if (!has_link(f.get(), "edges", errors)) throw input_error(file_ + ": /edges: missing; expected the group of edge populations");
    H5Group edges(errors.id(H5Gopen2(f.get(), "edges", H5P_DEFAULT), "open /edges"));
    for (const std::string& name : group_members(edges.get(), errors)) {
        const std::string path = "/edges/" + name;
        H5Group g(errors.id(H5Gopen2(edges.get(), name.c_str(), H5P_DEFAULT), "open " + path));
        SonataEdgePopulationInfo info;
        info.name = name;
        const InputDataset source(g.get(), "source_node_id", path + "/source_node_id", Expect::integer, errors);
        const InputDataset target(g.get(), "target_node_id", path + "/target_node_id", Expect::integer, errors);
        info.edges = source.rows();
        for (const char* column : {"target_node_id", "edge_type_id", "edge_group_id", "edge_group_index"}) {
            const InputDataset d(g.get(), column, path + "/" + column, Expect::integer, errors);
            if (d.rows() != info.edges)
                d.fail("expected " + std::to_string(info.edges) + " values (one per edge, as source_node_id), got " +
                       std::to_string(d.rows()));
        }
        auto population_attribute = [&](const char* dataset) {
            H5Dataset d(errors.id(H5Dopen2(g.get(), dataset, H5P_DEFAULT), std::string("open ") + path + "/" + dataset));
            const std::string where = path + "/" + dataset;
            if (!errors.truth(H5Aexists(d.get(), "node_population"), "look up the attribute node_population of " + where))
                throw input_error(file_ + ": " + where + ": attribute node_population: missing; expected the name of the node population");
            return read_string_attribute(d.get(), where, "node_population", errors);
        };
        info.source_population = population_attribute("source_node_id");
        info.target_population = population_attribute("target_node_id");
        const std::string index = path + "/indices/target_to_source";
        if (!has_link(g.get(), "indices/target_to_source", errors))
            throw input_error(file_ + ": " + index + ": missing; expected the target index (node_id_to_range, range_to_edge_id) "
                              "through which each rank reads only its cells' edges (tools/sonata_index.py adds it)");
        const InputDataset ranges(g.get(), "indices/target_to_source/node_id_to_range", index + "/node_id_to_range",
                                  Expect::integer, errors, 2);
        const InputDataset edge_ids(g.get(), "indices/target_to_source/range_to_edge_id", index + "/range_to_edge_id",
                                    Expect::integer, errors, 2);
        populations_.push_back(std::move(info));
    }
    if (populations_.empty()) throw input_error(file_ + ": /edges: expected at least one edge population, got none");
}

SonataEdgeRows SonataEdgeFile::incoming(std::size_t p, const std::vector<std::uint64_t>& targets,
                                        std::uint64_t target_count, std::uint64_t source_count) const {
    H5QuietErrors quiet;
    const H5Errors errors(file_);
    H5File f = open_edges(file_, errors);
    const SonataEdgePopulationInfo& info = populations_.at(p);
    const std::string path = "/edges/" + info.name;
    H5Group g(errors.id(H5Gopen2(f.get(), path.c_str(), H5P_DEFAULT), "open " + path));
    const std::string index = path + "/indices/target_to_source";
    const InputDataset node_ranges(g.get(), "indices/target_to_source/node_id_to_range", index + "/node_id_to_range",
                                   Expect::integer, errors, 2);
    const InputDataset range_edges(g.get(), "indices/target_to_source/range_to_edge_id", index + "/range_to_edge_id",
                                   Expect::integer, errors, 2);
    if (node_ranges.rows() != target_count)
        node_ranges.fail("expected " + std::to_string(target_count) + " rows (one per node of population " +
                         info.target_population + "), got " + std::to_string(node_ranges.rows()));

    // 1. Each target's rows of range_to_edge_id.
    const auto row_pairs = node_ranges.integers(runs_of(targets));
    struct Piece {
        std::uint64_t first, last;  // edge ids
        std::size_t target;         // position in `targets`
    };
    std::vector<Piece> pieces;
    std::vector<RowRange> range_rows;
    std::vector<std::size_t> range_owner;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const std::int64_t a = row_pairs[2 * i], b = row_pairs[2 * i + 1];
        if (a == -1 && b == -1) continue;  // a node without edges, as some writers mark it
        if (a < 0 || b < a || static_cast<std::uint64_t>(b) > range_edges.rows())
            node_ranges.fail("row " + std::to_string(targets[i]) + ": expected rows [first, last) of range_to_edge_id (" +
                             std::to_string(range_edges.rows()) + " rows), got " + text(a, b));
        if (a == b) continue;
        range_rows.push_back({static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b)});
        range_owner.push_back(i);
    }
    // range_to_edge_id rows in file order; rows of two targets may not overlap.
    std::vector<std::size_t> by_row(range_rows.size());
    std::iota(by_row.begin(), by_row.end(), 0);
    std::sort(by_row.begin(), by_row.end(), [&](std::size_t x, std::size_t y) { return range_rows[x].first < range_rows[y].first; });
    std::vector<RowRange> sorted_rows;
    for (std::size_t k : by_row) {
        if (!sorted_rows.empty() && range_rows[k].first < sorted_rows.back().last)
            node_ranges.fail("rows of two nodes overlap in range_to_edge_id (at row " + std::to_string(range_rows[k].first) + ")");
        sorted_rows.push_back(range_rows[k]);
    }
    const auto edge_pairs = range_edges.integers(sorted_rows);
    std::size_t at = 0;
    for (std::size_t k : by_row) {
        for (std::uint64_t r = range_rows[k].first; r < range_rows[k].last; ++r, ++at) {
            const std::int64_t a = edge_pairs[2 * at], b = edge_pairs[2 * at + 1];
            if (a < 0 || b < a || static_cast<std::uint64_t>(b) > info.edges)
                range_edges.fail("row " + std::to_string(r) + ": expected edge ids [first, last) within the " +
                                 std::to_string(info.edges) + " edges, got " + text(a, b));
            if (a < b) pieces.push_back({static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b), range_owner[k]});
        }
    }

    // 2. The edge rows, in file order.
    std::sort(pieces.begin(), pieces.end(), [](const Piece& x, const Piece& y) { return x.first < y.first; });
    std::vector<RowRange> edge_rows;
    for (const Piece& piece : pieces) {
        if (!edge_rows.empty() && piece.first < edge_rows.back().last)
            range_edges.fail("edge ranges of two rows overlap (at edge " + std::to_string(piece.first) + ")");
        edge_rows.push_back({piece.first, piece.last});
    }
    const InputDataset source_ds(g.get(), "source_node_id", path + "/source_node_id", Expect::integer, errors);
    const InputDataset target_ds(g.get(), "target_node_id", path + "/target_node_id", Expect::integer, errors);
    const InputDataset type_ds(g.get(), "edge_type_id", path + "/edge_type_id", Expect::integer, errors);
    const InputDataset group_ds(g.get(), "edge_group_id", path + "/edge_group_id", Expect::integer, errors);
    const InputDataset group_index_ds(g.get(), "edge_group_index", path + "/edge_group_index", Expect::integer, errors);
    const auto source = source_ds.integers(edge_rows);
    const auto target = target_ds.integers(edge_rows);
    const auto type = type_ds.integers(edge_rows);
    const auto group = group_ds.integers(edge_rows);
    const auto group_index = group_index_ds.integers(edge_rows);
    const std::size_t n = source.size();
    std::vector<std::uint64_t> edge_of(n);  // position -> edge id, for messages
    for (std::size_t k = 0, i = 0; k < pieces.size(); ++k)
        for (std::uint64_t e = pieces[k].first; e < pieces[k].last; ++e) edge_of[i++] = e;

    // 3. Group attributes of these edges: per group, the rows they index.
    std::vector<double> weight(n, SonataEdgeRows::absent), delay(n, SonataEdgeRows::absent), nsyns(n, SonataEdgeRows::absent);
    std::vector<double> section_id(n, SonataEdgeRows::absent), section_pos(n, SonataEdgeRows::absent);
    std::map<std::int64_t, std::vector<std::size_t>> members;  // group id -> edge positions
    for (std::size_t i = 0; i < n; ++i) members[group[i]].push_back(i);
    for (const auto& [gid, positions] : members) {
        const std::string group_name = std::to_string(gid);
        const std::string group_path = path + "/" + group_name;
        if (gid < 0 || !has_link(g.get(), group_name, errors))
            group_ds.fail("edge " + std::to_string(edge_of[positions.front()]) + ": expected the id of a group " + path +
                          "/<id>, got " + std::to_string(gid) + " (no such group)");
        H5Group eg(errors.id(H5Gopen2(g.get(), group_name.c_str(), H5P_DEFAULT), "open " + group_path));
        std::vector<std::uint64_t> rows;
        rows.reserve(positions.size());
        for (std::size_t i : positions) {
            if (group_index[i] < 0)
                group_index_ds.fail("edge " + std::to_string(edge_of[i]) + ": expected an index >= 0, got " + std::to_string(group_index[i]));
            rows.push_back(static_cast<std::uint64_t>(group_index[i]));
        }
        std::vector<std::uint64_t> unique_rows = rows;
        std::sort(unique_rows.begin(), unique_rows.end());
        unique_rows.erase(std::unique(unique_rows.begin(), unique_rows.end()), unique_rows.end());
        const auto wanted = runs_of(unique_rows);
        for (auto [column, out] : {std::pair{"syn_weight", &weight}, std::pair{"delay", &delay}, std::pair{"nsyns", &nsyns},
                                   std::pair{"afferent_section_id", &section_id},
                                   std::pair{"afferent_section_pos", &section_pos}}) {
            if (!has_link(eg.get(), column, errors)) continue;
            const InputDataset d(eg.get(), column, group_path + "/" + column, Expect::number, errors);
            if (!unique_rows.empty() && unique_rows.back() >= d.rows())
                group_index_ds.fail("expected indices into group " + group_name + " (< " + std::to_string(d.rows()) + " rows of " +
                                    d.path() + "), got " + std::to_string(unique_rows.back()));
            const auto values = d.numbers(wanted);
            for (std::size_t k = 0; k < positions.size(); ++k) {
                const auto pos = std::lower_bound(unique_rows.begin(), unique_rows.end(), rows[k]) - unique_rows.begin();
                (*out)[positions[k]] = values[static_cast<std::size_t>(pos)];
            }
        }
    }

    // 4. Grouped by target (in the order asked), edge id order within a target, checked.
    std::vector<std::size_t> order(pieces.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return pieces[x].target < pieces[y].target; });
    std::vector<std::uint64_t> offset_of_piece(pieces.size());
    for (std::size_t k = 0, row = 0; k < pieces.size(); ++k) {
        offset_of_piece[k] = row;
        row += pieces[k].last - pieces[k].first;
    }
    SonataEdgeRows out;
    out.offsets.assign(targets.size() + 1, 0);
    out.edge_id.reserve(n);
    out.source.reserve(n);
    out.type.reserve(n);
    out.weight.reserve(n);
    out.delay.reserve(n);
    out.nsyns.reserve(n);
    out.section_id.reserve(n);
    out.section_pos.reserve(n);
    for (std::size_t k : order) {
        const Piece& piece = pieces[k];
        for (std::uint64_t e = piece.first; e < piece.last; ++e) {
            const std::size_t i = offset_of_piece[k] + (e - piece.first);
            if (target[i] != static_cast<std::int64_t>(targets[piece.target]))
                target_ds.fail("edge " + std::to_string(e) + ": expected target node " + std::to_string(targets[piece.target]) +
                               " (where the index places it), got " + std::to_string(target[i]));
            if (source[i] < 0 || static_cast<std::uint64_t>(source[i]) >= source_count)
                source_ds.fail("edge " + std::to_string(e) + ": expected a node id of population " + info.source_population + " (< " +
                               std::to_string(source_count) + "), got " + std::to_string(source[i]));
            out.edge_id.push_back(e);
            out.source.push_back(static_cast<std::uint64_t>(source[i]));
            out.type.push_back(type[i]);
            out.weight.push_back(weight[i]);
            out.delay.push_back(delay[i]);
            out.nsyns.push_back(nsyns[i]);
            out.section_id.push_back(section_id[i]);
            out.section_pos.push_back(section_pos[i]);
        }
        out.offsets[piece.target + 1] += piece.last - piece.first;
    }
    for (std::size_t i = 0; i < targets.size(); ++i) out.offsets[i + 1] += out.offsets[i];
    return out;
}

}  // namespace parnet::io
