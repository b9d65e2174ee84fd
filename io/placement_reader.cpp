#include "placement_reader.hpp"

#include <set>

namespace parnet::io {

namespace {

std::string indexed(const JsonObject& parent, std::string_view key, std::size_t i) {
    return parent.field_path(key) + "[" + std::to_string(i) + "]";
}

// A number, or {"distance": "linear"|"exponential"|"sigmoid", "a", "b", "c", "k", "scale"}.
cable::DistanceFunction read_function(const JsonObject& parent, std::string_view key, bool non_negative) {
    cable::DistanceFunction f;
    const json& v = parent.value().at(std::string(key));
    if (v.is_number()) {
        f.a = non_negative ? parent.non_negative(key, 0.0) : parent.number(key);
        return f;
    }
    if (!v.is_object())
        parent.fail(key, "a number or a function of distance {\"distance\": \"linear\"|\"exponential\"|\"sigmoid\", ...}");
    const JsonObject o(v, parent.field_path(key), parent.file());
    const auto kind = o.choice("distance", {"linear", "exponential", "sigmoid"});
    if (kind == "linear") {
        o.allow_only({"distance", "a", "b", "scale"});
        f.kind = cable::DistanceFunction::Kind::linear;
    } else if (kind == "exponential") {
        o.allow_only({"distance", "a", "b", "c", "scale"});
        f.kind = cable::DistanceFunction::Kind::exponential;
        f.c = o.number("c");
    } else {
        o.allow_only({"distance", "a", "b", "c", "k", "scale"});
        f.kind = cable::DistanceFunction::Kind::sigmoid;
        f.c = o.number("c");
        f.k = o.number("k");
        if (f.k == 0) o.fail("k", "a non-zero slope (um)");
    }
    f.a = o.number("a", 0.0);
    f.b = o.number("b");
    if (o.has("scale")) f.scale = o.number("scale");
    return f;
}

cable::MechanismPlacement read_mechanism(const JsonObject& mechanisms, const std::string& name) {
    const JsonObject o = mechanisms.object(name);
    cable::MechanismPlacement m;
    m.name = name;
    // Conductances are >= 0 when constant; reversal potentials any number.
    const std::vector<std::pair<std::string, bool>> params =
        name == "hh" ? std::vector<std::pair<std::string, bool>>{{"gnabar", true}, {"gkbar", true}, {"gl", true},
                                                                 {"el", false}, {"ena", false}, {"ek", false}}
                     : std::vector<std::pair<std::string, bool>>{{"g", true}, {"e", false}};
    if (name == "hh") o.allow_only({"gnabar", "gkbar", "gl", "el", "ena", "ek"});
    else o.allow_only({"g", "e"});
    for (const auto& [p, conductance] : params)
        if (o.has(p)) m.parameters[p] = read_function(o, p, conductance);
    return m;
}

// A catalogue mechanism's RANGE parameters, each a number or a function of distance.
cable::MechanismPlacement read_catalogue_mechanism(const JsonObject& mechanisms, const std::string& name,
                                                   std::shared_ptr<const Mechanism> mechanism) {
    const JsonObject o = mechanisms.object(name);
    cable::MechanismPlacement m;
    m.name = name;
    m.catalogue = std::move(mechanism);
    for (const auto& [p, value] : o.value().items()) {
        if (!m.catalogue->parameter_index(p))
            o.fail(p, "a RANGE parameter of " + name + " (" + m.catalogue->parameter_names() +
                          "; GLOBALs are set on sections)");
        m.parameters[p] = read_function(o, p, false);
    }
    return m;
}

cable::Region read_region(const JsonObject& o) {
    o.allow_only({"types", "sections", "distance", "within", "union"});
    cable::Region r;
    int forms = 0;
    if (o.has("types")) {
        ++forms;
        r.kind = cable::Region::Kind::types;
        const json& types = o.array("types");
        for (std::size_t i = 0; i < types.size(); ++i) {
            const json wrapper = json::object({{"type", types[i]}});
            r.types.push_back(read_section_type(JsonObject(wrapper, indexed(o, "types", i), o.file()), "type"));
        }
    }
    if (o.has("sections")) {
        ++forms;
        r.kind = cable::Region::Kind::sections;
        const json& names = o.array("sections");
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (!names[i].is_string()) o.fail_at(indexed(o, "sections", i), "a section name", names[i]);
            r.sections.push_back(names[i].get<std::string>());
        }
    }
    if (o.has("distance")) {
        ++forms;
        r.kind = cable::Region::Kind::distance;
        const json& range = o.array("distance");
        if (range.size() != 2 || !range[0].is_number() || !range[1].is_number() ||
            !(range[0].get<double>() <= range[1].get<double>()))
            o.fail("distance", "[min, max] in um with min <= max");
        r.min = range[0].get<double>();
        r.max = range[1].get<double>();
        if (o.has("within")) r.within = o.string("within");
        r.section_level = false;
    } else if (o.has("within")) {
        o.fail("within", "no \"within\" without \"distance\"");
    }
    if (o.has("union")) {
        ++forms;
        r.kind = cable::Region::Kind::all_of_union;
        const json& members = o.array("union");
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (!members[i].is_string()) o.fail_at(indexed(o, "union", i), "a region name", members[i]);
            r.members.push_back(members[i].get<std::string>());
        }
    }
    if (forms != 1)
        throw input_error(o.file() + ": " + o.path() +
                          ": expected exactly one of \"types\", \"sections\", \"distance\", \"union\"");
    return r;
}

bool known_region(const cable::Placement& p, const std::string& name) {
    return name == "all" || cable::builtin_region_type(name) || p.regions.count(name);
}

// Whether a region depends on distance (through unions and "within"), refusing cycles.
bool distance_based(const cable::Placement& p, const std::string& name, std::set<std::string>& open,
                    const JsonObject& where) {
    const auto it = p.regions.find(name);
    if (it == p.regions.end()) return false;
    if (!open.insert(name).second) where.fail(name, "regions that do not contain themselves (a cycle through " + name + ")");
    const cable::Region& r = it->second;
    bool d = !r.section_level;
    if (r.within) d = distance_based(p, *r.within, open, where) || d;
    for (const auto& m : r.members) d = distance_based(p, m, open, where) || d;
    open.erase(name);
    return d;
}

}  // namespace

int read_section_type(const JsonObject& parent, std::string_view key) {
    const json& v = parent.value().at(std::string(key));
    if (v.is_string()) {
        if (const auto t = cable::builtin_region_type(v.get<std::string>())) return *t;
    } else if (v.is_number_integer() && v.get<long long>() >= 0) {
        return static_cast<int>(v.get<long long>());
    }
    parent.fail(key, "a section type: \"soma\", \"axon\", \"dend\", \"apic\" or an SWC type code >= 0");
}

cable::NsegRule read_nseg_rule(const JsonObject& parent, std::string_view key) {
    cable::NsegRule rule;
    const json& v = parent.value().at(std::string(key));
    if (v.is_number()) {
        rule.count = static_cast<std::uint32_t>(parent.positive_integer(key));
        return rule;
    }
    if (!v.is_object()) parent.fail(key, "a positive integer, {\"per_length\": um} or {\"d_lambda\": f, \"frequency\": Hz}");
    const JsonObject o = parent.object(key);
    if (o.has("per_length")) {
        o.allow_only({"per_length"});
        rule.kind = cable::NsegRule::Kind::per_length;
        rule.per_length = o.positive("per_length");
    } else {
        o.allow_only({"d_lambda", "frequency"});
        rule.kind = cable::NsegRule::Kind::d_lambda;
        rule.d_lambda = o.positive("d_lambda");
        rule.frequency = o.positive("frequency", 100.0);
    }
    return rule;
}

cable::Placement read_placement(const JsonObject& cell, const CableCellDescription& sections,
                                std::vector<int> section_types, const MechanismCatalogues& catalogues) {
    cable::Placement p;
    p.section_types = std::move(section_types);
    if (cell.has("regions")) {
        const JsonObject regions = cell.object("regions");
        for (const auto& [name, value] : regions.value().items()) {
            if (name == "all") regions.fail(name, "another name (\"all\" is built in)");
            p.regions[name] = read_region(JsonObject(value, regions.field_path(name), cell.file()));
        }
        for (const auto& [name, r] : p.regions) {
            const JsonObject o(regions.value().at(name), regions.field_path(name), cell.file());
            if (r.within && !known_region(p, *r.within)) o.fail("within", "the name of a region");
            for (std::size_t i = 0; i < r.members.size(); ++i)
                if (!known_region(p, r.members[i]))
                    o.fail_at(indexed(o, "union", i), "the name of a region", r.members[i]);
            for (std::size_t i = 0; i < r.sections.size(); ++i)
                if (!sections.section_index(r.sections[i]))
                    o.fail_at(indexed(o, "sections", i), "the name of a section of the cell", r.sections[i]);
            std::set<std::string> open;
            p.regions[name].section_level = !distance_based(p, name, open, regions);
        }
    }
    if (cell.has("nseg")) p.nseg.assign(sections.sections.size(), read_nseg_rule(cell, "nseg"));

    // The distance origin: soma(0.5) (the first soma-typed section), else the root's middle.
    for (std::size_t i = 0; i < p.section_types.size(); ++i)
        if (p.section_types[i] == 1) {
            p.origin_section = static_cast<std::uint32_t>(i);
            break;
        }
    if (cell.has("distance_origin")) {
        const JsonObject o = cell.object("distance_origin");
        o.allow_only({"section", "x"});
        const std::string name = o.string("section");
        const auto idx = sections.section_index(name);
        if (!idx) o.fail("section", "the name of a section of the cell");
        p.origin_section = *idx;
        p.origin_x = o.fraction("x", 0.5);
    }

    if (cell.has("biophysics")) {
        const json& list = cell.array("biophysics");
        for (std::size_t i = 0; i < list.size(); ++i) {
            const JsonObject o(list[i], indexed(cell, "biophysics", i), cell.file());
            o.allow_only({"region", "cm", "Ra", "nseg", "mechanisms"});
            cable::BiophysicsEntry e;
            e.region = o.string("region", "all");
            if (!known_region(p, e.region)) o.fail("region", "all, soma, axon, dend, apic or the name of an entry of \"regions\"");
            if (o.has("cm")) e.cm = o.non_negative("cm", 1.0);
            if (o.has("Ra")) e.Ra = o.positive("Ra");
            if (o.has("nseg")) e.nseg = read_nseg_rule(o, "nseg");
            const auto r = p.regions.find(e.region);
            if ((e.cm || e.Ra || e.nseg) && r != p.regions.end() && !r->second.section_level)
                o.fail("region", "a region of whole sections for cm, Ra and nseg (" + e.region +
                                     " depends on distance; give its mechanisms in an entry of their own)");
            if (o.has("mechanisms")) {
                const JsonObject m = o.object("mechanisms");
                for (const auto& [name, value] : m.value().items()) {
                    if ((name == "hh" || name == "pas") && catalogues.builtin(name)) {
                        e.mechanisms.push_back(read_mechanism(m, name));
                        continue;
                    }
                    const auto mechanism = catalogues.find(name);
                    if (!mechanism || !mechanism->density())
                        m.fail(name, "hh, pas or a density mechanism of the catalogues (" + catalogues.names(false) + ")");
                    e.mechanisms.push_back(read_catalogue_mechanism(m, name, mechanism));
                }
            }
            p.biophysics.push_back(std::move(e));
        }
    }
    return p;
}

}  // namespace parnet::io
