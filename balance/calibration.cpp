#include "balance/calibration.hpp"

#include "engine/errors.hpp"
#include "io/json_fields.hpp"

#include <fstream>
#include <sstream>

namespace parnet::balance {

namespace {
constexpr const char* calibration_format = "parnet-calibration";
constexpr int calibration_version = 1;
}  // namespace

Calibration read_calibration(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::ifstream in(path);
    if (!in) throw input_error(file + ": cannot open the calibration file");
    io::json doc;
    try {
        doc = io::json::parse(in);
    } catch (const io::json::parse_error& e) {
        throw input_error(file + ": not valid JSON: " + e.what());
    }
    if (!doc.is_object()) throw input_error(file + ": expected a JSON object (a calibration written by `plan --save-calibration`)");
    const io::JsonObject top(doc, "", file);
    top.allow_only({"format", "version", "host", "created", "seconds_per_queued_event", "configurations"});
    if (top.string("format") != calibration_format)
        top.fail("format", std::string("\"") + calibration_format + "\"");
    if (top.positive_integer("version") != calibration_version) top.fail("version", std::to_string(calibration_version));
    Calibration c;
    c.host = top.string("host", "");
    c.created = top.string("created", "");
    c.seconds_per_queued_event = top.non_negative("seconds_per_queued_event", 0.0);
    const io::JsonObject configurations = top.object("configurations");
    for (const auto& [key, value] : doc.at("configurations").items()) {
        if (!value.is_object()) configurations.fail(key, "an object with seconds_per_cell_ms and seconds_per_event");
        const io::JsonObject entry = configurations.object(key);
        entry.allow_only({"seconds_per_cell_ms", "seconds_per_event", "sample_cells", "source"});
        ConfigurationCost cost;
        cost.seconds_per_cell_ms = entry.non_negative("seconds_per_cell_ms", -1.0);
        if (cost.seconds_per_cell_ms < 0) entry.fail("seconds_per_cell_ms", "a number >= 0 (seconds)");
        cost.seconds_per_event = entry.non_negative("seconds_per_event", 0.0);
        cost.sample_cells = static_cast<std::uint32_t>(entry.non_negative_integer("sample_cells", 0));
        cost.source = entry.choice("source", {"measured", "static"}, "measured");
        c.costs[key] = cost;
    }
    return c;
}

void write_calibration(const std::filesystem::path& path, const Calibration& c) {
    io::json configurations = io::json::object();
    for (const auto& [key, cost] : c.costs) {
        configurations[key] = {{"seconds_per_cell_ms", cost.seconds_per_cell_ms},
                               {"seconds_per_event", cost.seconds_per_event},
                               {"sample_cells", cost.sample_cells},
                               {"source", cost.source}};
    }
    io::json doc{{"format", calibration_format},
                 {"version", calibration_version},
                 {"seconds_per_queued_event", c.seconds_per_queued_event},
                 {"configurations", configurations}};
    if (!c.host.empty()) doc["host"] = c.host;
    if (!c.created.empty()) doc["created"] = c.created;
    const std::filesystem::path temporary = path.string() + ".part";
    {
        std::ofstream out(temporary);
        if (!out) throw input_error(path.string() + ": cannot write the calibration file");
        out << doc.dump(2) << '\n';
        if (!out.flush()) throw input_error(path.string() + ": cannot write the calibration file");
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) throw input_error(path.string() + ": cannot rename the calibration into place: " + error.message());
}

}  // namespace parnet::balance
