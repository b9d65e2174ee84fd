#include "io/connection_list_reader.hpp"

#include "engine/errors.hpp"
#include "io/hdf5_datasets.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>

namespace parnet::io {

namespace {

std::string trimmed(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> split_commas(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t at = 0;
    for (;;) {
        const auto comma = line.find(',', at);
        fields.push_back(trimmed(line.substr(at, comma == std::string::npos ? std::string::npos : comma - at)));
        if (comma == std::string::npos) return fields;
        at = comma + 1;
    }
}

std::optional<std::int64_t> parse_integer(const std::string& s) {
    std::int64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<double> parse_number(const std::string& s) {
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::vector<ListedConnection> read_csv(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw input_error(file.string() + ": cannot open the connection list");
    enum Column { source, target, weight, delay, synapse, columns };
    constexpr std::array<const char*, columns> names{"source", "target", "weight", "delay", "synapse"};
    std::array<int, columns> at{-1, -1, -1, -1, -1};
    std::vector<ListedConnection> out;
    std::string line;
    std::size_t number = 0, fields_per_line = 0;
    bool header = false;
    while (std::getline(in, line)) {
        ++number;
        const std::string where = file.string() + ":" + std::to_string(number);
        if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        if (trimmed(line).empty()) continue;
        const auto fields = split_commas(line);
        if (!header) {
            for (std::size_t i = 0; i < fields.size(); ++i) {
                bool known = false;
                for (int c = 0; c < columns; ++c)
                    if (fields[i] == names[c]) {
                        if (at[c] >= 0) throw input_error(where + ": column " + fields[i] + " named twice");
                        at[c] = static_cast<int>(i);
                        known = true;
                    }
                if (!known)
                    throw input_error(where + ": expected a header of the columns source, target, weight, delay and "
                                      "optionally synapse, got column \"" + fields[i] + "\"");
            }
            for (int c = 0; c < synapse; ++c)
                if (at[c] < 0) throw input_error(where + ": the header has no column " + std::string(names[c]));
            fields_per_line = fields.size();
            header = true;
            continue;
        }
        if (fields.size() != fields_per_line)
            throw input_error(where + ": expected " + std::to_string(fields_per_line) + " comma-separated fields as the header, got " +
                              std::to_string(fields.size()));
        ListedConnection c;
        c.line = number;
        for (int k : {source, target}) {
            const auto v = parse_integer(fields[at[k]]);
            if (!v || *v < 0)
                throw input_error(where + ": " + names[k] + ": expected a cell index >= 0, got \"" + fields[at[k]] + "\"");
            (k == source ? c.source : c.target) = *v;
        }
        for (int k : {weight, delay}) {
            const auto v = parse_number(fields[at[k]]);
            if (!v) throw input_error(where + ": " + names[k] + ": expected a finite number, got \"" + fields[at[k]] + "\"");
            (k == weight ? c.weight : c.delay) = *v;
        }
        if (at[synapse] >= 0) c.synapse = fields[at[synapse]];
        out.push_back(std::move(c));
    }
    if (!header) throw input_error(file.string() + ": empty; expected a header line source,target,weight,delay[,synapse]");
    return out;
}

std::vector<ListedConnection> read_hdf5(const std::filesystem::path& file) {
    H5QuietErrors quiet;
    const H5Errors errors(file.string());
    H5File f(errors.id(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open the connection list"));
    using E = InputDataset::Expect;
    const InputDataset source(f.get(), "source", "/source", E::integer, errors);
    const InputDataset target(f.get(), "target", "/target", E::integer, errors);
    const InputDataset weight(f.get(), "weight", "/weight", E::number, errors);
    const InputDataset delay(f.get(), "delay", "/delay", E::number, errors);
    for (const InputDataset* d : {&target, &weight, &delay})
        if (d->rows() != source.rows())
            d->fail("expected " + std::to_string(source.rows()) + " values (as /source), got " + std::to_string(d->rows()));
    std::vector<std::string> synapses;
    if (has_link(f.get(), "synapse", errors)) {
        const InputDataset synapse(f.get(), "synapse", "/synapse", E::string, errors);
        if (synapse.rows() != source.rows())
            synapse.fail("expected " + std::to_string(source.rows()) + " values (as /source), got " +
                         std::to_string(synapse.rows()));
        synapses = synapse.strings();
    }
    const auto s = source.integers(), t = target.integers();
    const auto w = weight.numbers(), d = delay.numbers();
    std::vector<ListedConnection> out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        std::string at = "[";  // (built by appends: GCC 12 warns falsely on "[" + to_string(i))
        at += std::to_string(i);
        at += ']';
        if (s[i] < 0) source.fail(at + ": expected a cell index >= 0, got " + std::to_string(s[i]));
        if (t[i] < 0) target.fail(at + ": expected a cell index >= 0, got " + std::to_string(t[i]));
        if (!std::isfinite(w[i])) weight.fail(at + ": expected a finite number");
        if (!std::isfinite(d[i])) delay.fail(at + ": expected a finite number");
        out[i] = {s[i], t[i], w[i], d[i], synapses.empty() ? std::string() : synapses[i], i};
    }
    return out;
}

}  // namespace

ConnectionList read_connection_list(const std::filesystem::path& file) {
    const auto ext = file.extension().string();
    if (ext == ".csv") return {file.string(), true, read_csv(file)};
    if (ext == ".h5" || ext == ".hdf5") return {file.string(), false, read_hdf5(file)};
    throw input_error(file.string() + ": expected a connection list ending in .csv, .h5 or .hdf5");
}

}  // namespace parnet::io
