#include "json_fields.hpp"

#include <cmath>

namespace parnet::io {

namespace {
std::string shown(const json& v) {
    std::string s = v.dump();
    if (s.size() > 60) s = s.substr(0, 57) + "...";
    return s;
}
}  // namespace

JsonObject::JsonObject(const json& value, std::string path, const std::string& file)
    : value_(value), path_(std::move(path)), file_(file) {
    if (!value_.is_object()) fail_at(path_.empty() ? "(top level)" : path_, "an object", value_);
}

std::string JsonObject::field_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void JsonObject::fail_at(const std::string& path, std::string_view expected, const json& got) const {
    throw input_error(file_ + ": " + path + ": expected " + std::string(expected) + ", got " +
                      shown(got));
}

void JsonObject::fail(std::string_view key, std::string_view expected) const {
    if (!has(key))
        throw input_error(file_ + ": " + field_path(key) + ": missing; expected " +
                          std::string(expected));
    fail_at(field_path(key), expected, value_.at(std::string(key)));
}

void JsonObject::allow_only(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, v] : value_.items()) {
        bool ok = false;
        for (auto a : allowed) ok = ok || key == a;
        if (!ok) {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            throw input_error(file_ + ": " + field_path(key) + ": unknown field; expected one of: " +
                              list);
        }
    }
}

double JsonObject::number(std::string_view key) const {
    auto it = value_.find(key);
    if (it == value_.end() || !it->is_number() || !std::isfinite(it->get<double>()))
        fail(key, "a number");
    return it->get<double>();
}

double JsonObject::number(std::string_view key, double fallback) const {
    return has(key) ? number(key) : fallback;
}

double JsonObject::positive(std::string_view key) const {
    if (!has(key)) fail(key, "a positive number");
    const auto& v = value_.at(std::string(key));
    if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
        fail(key, "a positive number");
    return v.get<double>();
}

double JsonObject::positive(std::string_view key, double fallback) const {
    return has(key) ? positive(key) : fallback;
}

double JsonObject::non_negative(std::string_view key, double fallback) const {
    if (!has(key)) return fallback;
    const auto& v = value_.at(std::string(key));
    if (!v.is_number() || !(v.get<double>() >= 0) || !std::isfinite(v.get<double>()))
        fail(key, "a number >= 0");
    return v.get<double>();
}

double JsonObject::fraction(std::string_view key, double fallback) const {
    if (!has(key)) return fallback;
    const auto& v = value_.at(std::string(key));
    if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() <= 1))
        fail(key, "a number in [0, 1]");
    return v.get<double>();
}

std::uint64_t JsonObject::positive_integer(std::string_view key) const {
    if (!has(key)) fail(key, "a positive integer");
    const auto& v = value_.at(std::string(key));
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0 ||
        v.get<std::int64_t>() > std::int64_t{4'000'000'000})
        fail(key, "a positive integer");
    return v.get<std::uint64_t>();
}

std::uint64_t JsonObject::non_negative_integer(std::string_view key, std::uint64_t fallback) const {
    if (!has(key)) return fallback;
    const auto& v = value_.at(std::string(key));
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
        v.get<std::int64_t>() > std::int64_t{4'000'000'000})
        fail(key, "an integer >= 0");
    return v.get<std::uint64_t>();
}

bool JsonObject::boolean(std::string_view key, bool fallback) const {
    if (!has(key)) return fallback;
    const auto& v = value_.at(std::string(key));
    if (!v.is_boolean()) fail(key, "true or false");
    return v.get<bool>();
}

std::string JsonObject::string(std::string_view key) const {
    auto it = value_.find(key);
    if (it == value_.end() || !it->is_string() || it->get<std::string>().empty())
        fail(key, "a non-empty string");
    return it->get<std::string>();
}

std::string JsonObject::string(std::string_view key, std::string fallback) const {
    return has(key) ? string(key) : fallback;
}

std::string JsonObject::choice(std::string_view key, std::initializer_list<std::string_view> choices,
                               std::optional<std::string_view> fallback) const {
    std::string list;
    for (auto c : choices) list += (list.empty() ? "one of " : ", ") + std::string(c);
    if (!has(key)) {
        if (fallback) return std::string(*fallback);
        fail(key, list);
    }
    const auto& v = value_.at(std::string(key));
    if (v.is_string())
        for (auto c : choices)
            if (v.get<std::string>() == c) return std::string(c);
    fail(key, list);
}

JsonObject JsonObject::object(std::string_view key) const {
    if (!has(key) || !value_.at(std::string(key)).is_object()) fail(key, "an object");
    return JsonObject(value_.at(std::string(key)), field_path(key), file_);
}

const json& JsonObject::array(std::string_view key) const {
    if (!has(key) || !value_.at(std::string(key)).is_array()) fail(key, "an array");
    return value_.at(std::string(key));
}

Distribution JsonObject::distribution(std::string_view key) const {
    if (!has(key)) fail(key, "a number or a distribution object");
    const auto& v = value_.at(std::string(key));
    if (v.is_number()) return Distribution::constant(number(key));
    if (!v.is_object()) fail(key, "a number or a distribution object {\"dist\": ...}");
    JsonObject d(v, field_path(key), file_);
    Distribution out;
    const auto kind = d.choice("dist", {"uniform", "normal", "lognormal"});
    if (kind == "uniform") {
        d.allow_only({"dist", "low", "high"});
        out.kind = Distribution::Kind::uniform;
        out.a = d.number("low");
        out.b = d.number("high");
        if (!(out.b > out.a)) d.fail("high", "a number greater than low");
    } else if (kind == "normal") {
        d.allow_only({"dist", "mean", "std", "min", "max"});
        out.kind = Distribution::Kind::normal;
        out.a = d.number("mean");
        out.b = d.non_negative("std", 0.0);
    } else {
        d.allow_only({"dist", "mean", "std", "min", "max"});
        out.kind = Distribution::Kind::lognormal;
        out.a = d.positive("mean");
        out.b = d.non_negative("std", 0.0);
    }
    out.min = d.number("min", out.min);
    out.max = d.number("max", out.max);
    if (!(out.max >= out.min)) d.fail("max", "a number >= min");
    return out;
}

Distribution JsonObject::distribution(std::string_view key, double fallback) const {
    return has(key) ? distribution(key) : Distribution::constant(fallback);
}

}  // namespace parnet::io
