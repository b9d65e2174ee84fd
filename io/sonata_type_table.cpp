#include "io/sonata_type_table.hpp"

#include "engine/errors.hpp"

#include <charconv>
#include <cmath>
#include <fstream>

namespace parnet::io {

namespace {

// Space-separated fields; "..." groups spaces; returns nullopt on an unterminated quote.
std::optional<std::vector<std::string>> split_fields(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        if (i >= line.size()) break;
        std::string field;
        if (line[i] == '"') {
            const auto close = line.find('"', i + 1);
            if (close == std::string::npos) return std::nullopt;
            field = line.substr(i + 1, close - i - 1);
            i = close + 1;
        } else {
            const auto end = line.find_first_of(" \t\r", i);
            field = line.substr(i, end == std::string::npos ? std::string::npos : end - i);
            i = end == std::string::npos ? line.size() : end;
        }
        fields.push_back(std::move(field));
    }
    return fields;
}

bool absent(const std::string& v) { return v.empty() || v == "NONE" || v == "NULL" || v == "None"; }

}  // namespace

SonataTypeTable::SonataTypeTable(const std::filesystem::path& file, const std::string& id_column) : file_(file.string()) {
    std::ifstream in(file);
    if (!in || std::filesystem::is_directory(file)) throw input_error(file_ + ": cannot open the type table for reading");
    std::string line;
    std::vector<std::string> header;
    std::size_t number = 0, id_at = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string where = file_ + ":" + std::to_string(number);
        const auto fields = split_fields(line);
        if (!fields) throw input_error(where + ": expected a closing double quote");
        if (fields->empty()) continue;
        if (header.empty()) {
            header = *fields;
            bool found = false;
            for (std::size_t c = 0; c < header.size(); ++c)
                if (header[c] == id_column) {
                    id_at = c;
                    found = true;
                }
            if (!found)
                throw input_error(where + ": expected a header with the column " + id_column + " (space-separated names)");
            continue;
        }
        if (fields->size() != header.size())
            throw input_error(where + ": expected " + std::to_string(header.size()) + " space-separated fields as the header, got " +
                              std::to_string(fields->size()));
        SonataType type;
        type.line = number;
        const std::string& id = (*fields)[id_at];
        const auto r = std::from_chars(id.data(), id.data() + id.size(), type.id);
        if (r.ec != std::errc() || r.ptr != id.data() + id.size() || type.id < 0)
            throw input_error(where + ": " + id_column + ": expected an integer >= 0, got \"" + id + "\"");
        for (std::size_t c = 0; c < header.size(); ++c)
            if (c != id_at && !absent((*fields)[c])) type.values[header[c]] = (*fields)[c];
        const std::int64_t key = type.id;
        if (const auto it = types_.find(key); it != types_.end())
            throw input_error(where + ": " + id_column + " " + id + " is defined twice (also on line " +
                              std::to_string(it->second.line) + ")");
        types_.emplace(key, std::move(type));
    }
    if (header.empty()) throw input_error(file_ + ": empty; expected a header line with the column " + id_column);
}

const SonataType* SonataTypeTable::find(std::int64_t id) const {
    auto it = types_.find(id);
    return it == types_.end() ? nullptr : &it->second;
}

std::optional<double> SonataTypeTable::number(const SonataType& type, const std::string& column) const {
    const auto text = type.get(column);
    if (!text) return std::nullopt;
    double v = 0;
    const auto r = std::from_chars(text->data(), text->data() + text->size(), v);
    if (r.ec != std::errc() || r.ptr != text->data() + text->size() || !std::isfinite(v))
        throw input_error(where(type) + ": " + column + ": expected a number, got \"" + *text + "\"");
    return v;
}

}  // namespace parnet::io
