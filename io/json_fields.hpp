#pragma once
// Reading JSON model fields with errors a user can act on:
//   "net.json: populations[2].count: expected a positive integer, got -5"
#include "engine/distribution.hpp"
#include "engine/errors.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace parnet::io {

using json = nlohmann::json;

// A JSON object at a known path in a known file.
class JsonObject {
public:
    JsonObject(const json& value, std::string path, const std::string& file);

    const std::string& path() const { return path_; }
    const std::string& file() const { return file_; }
    const json& value() const { return value_; }
    bool has(std::string_view key) const { return value_.contains(key); }
    std::string field_path(std::string_view key) const;

    // Throws input_error "<file>: <path>: expected <what>, got <value>".
    [[noreturn]] void fail(std::string_view key, std::string_view expected) const;
    [[noreturn]] void fail_at(const std::string& path, std::string_view expected,
                              const json& got) const;
    // Any key outside `allowed` is an error that lists the allowed keys.
    void allow_only(std::initializer_list<std::string_view> allowed) const;

    double number(std::string_view key) const;
    double number(std::string_view key, double fallback) const;
    double positive(std::string_view key) const;                 // > 0
    double positive(std::string_view key, double fallback) const;
    double non_negative(std::string_view key, double fallback) const;  // >= 0
    double fraction(std::string_view key, double fallback) const;      // in [0, 1]
    std::uint64_t positive_integer(std::string_view key) const;
    std::uint64_t non_negative_integer(std::string_view key, std::uint64_t fallback) const;
    bool boolean(std::string_view key, bool fallback) const;
    std::string string(std::string_view key) const;
    std::string string(std::string_view key, std::string fallback) const;
    // One of `choices`, else an error listing them.
    std::string choice(std::string_view key, std::initializer_list<std::string_view> choices,
                       std::optional<std::string_view> fallback = std::nullopt) const;
    JsonObject object(std::string_view key) const;
    const json& array(std::string_view key) const;  // must be present and an array

    // A constant or {"dist": "uniform"|"normal"|"lognormal", ...} (see docs/model-format.md).
    Distribution distribution(std::string_view key) const;
    Distribution distribution(std::string_view key, double fallback) const;

private:
    const json& value_;
    std::string path_;
    const std::string& file_;
};

}  // namespace parnet::io
