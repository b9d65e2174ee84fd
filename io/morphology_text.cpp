#include "morphology_text.hpp"

#include "engine/errors.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace parnet::io {

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path + ": cannot open the morphology file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw input_error(path + ": cannot read the morphology file");
    return std::move(text).str();
}

std::vector<std::string_view> text_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::string_view strip_comment(std::string_view line, char mark) {
    return line.substr(0, line.find(mark));
}

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
}  // namespace

std::vector<std::string_view> split_fields(std::string_view text) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i])) ++i;
        if (i > start) fields.push_back(text.substr(start, i - start));
    }
    return fields;
}

bool to_number(std::string_view token, double& value) {
    if (!token.empty() && token.front() == '+') token.remove_prefix(1);
    if (token.empty()) return false;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    return error == std::errc() && end == token.data() + token.size() && std::isfinite(value);
}

double parse_number(std::string_view token, const std::string& what) {
    double value = 0;
    if (!to_number(token, value))
        throw input_error(what + " '" + std::string(token) + "': expected a number");
    return value;
}

}  // namespace parnet::io
