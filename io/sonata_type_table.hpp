#pragma once
// node_types.csv and edge_types.csv of a SONATA circuit: a header line of column names, then one
// type per line, fields separated by spaces (or tabs), a field with spaces in double quotes.
// The first column named `<kind>_type_id` is the key; "NONE", "NULL" and empty fields are absent
// values. Every error names the file and line.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parnet::io {

struct SonataType {
    std::int64_t id = 0;
    std::size_t line = 0;
    std::map<std::string, std::string> values;  // present values only

    std::optional<std::string> get(const std::string& column) const {
        auto it = values.find(column);
        if (it == values.end()) return std::nullopt;
        return it->second;
    }
};

class SonataTypeTable {
public:
    // id_column: "node_type_id" or "edge_type_id".
    SonataTypeTable(const std::filesystem::path& file, const std::string& id_column);

    const std::string& file() const { return file_; }
    const SonataType* find(std::int64_t id) const;
    // "<file>:<line>" of a type, for messages.
    std::string where(const SonataType& type) const { return file_ + ":" + std::to_string(type.line); }
    // A numeric value of a type's column, or nullopt when absent; a value that is not a number is
    // an error naming the line and column.
    std::optional<double> number(const SonataType& type, const std::string& column) const;

private:
    std::string file_;
    std::map<std::int64_t, SonataType> types_;
};

}  // namespace parnet::io
