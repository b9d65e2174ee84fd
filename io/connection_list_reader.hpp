#pragma once
// Explicit connection lists made by other tools (docs/model-format.md, explicit connections): one
// connection per row with its own weight, delay and, optionally, synapse; duplicates are kept.
//   CSV: a header naming the columns source,target,weight,delay[,synapse] (any order, comma
//        separated, `#` starts a comment), then one connection per line.
//   HDF5: 1-d datasets /source, /target (integers), /weight, /delay (numbers) of equal length and
//        optionally /synapse (strings).
// Indices are population-relative; the model reader checks them against the populations. Every
// error names the file and the line (CSV) or the dataset (HDF5).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace parnet::io {

struct ListedConnection {
    std::int64_t source = 0;
    std::int64_t target = 0;
    double weight = 0.0;
    double delay = 0.0;
    std::string synapse;     // empty: the projection's synapse
    std::uint64_t line = 0;  // CSV: the line; HDF5: the row
};

struct ConnectionList {
    std::string file;
    bool csv = true;
    std::vector<ListedConnection> rows;
    // Where row i came from, for the model reader's messages: "file:line" or "file: connection i".
    std::string where(const ListedConnection& c) const {
        return csv ? file + ":" + std::to_string(c.line) : file + ": connection " + std::to_string(c.line);
    }
};

// By extension: .csv, or .h5/.hdf5.
ConnectionList read_connection_list(const std::filesystem::path& file);

}  // namespace parnet::io
