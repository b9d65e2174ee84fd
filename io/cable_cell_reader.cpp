#include "cable_cell_reader.hpp"

#include "engine/cable/axon_stub.hpp"
#include "io/morphology_reader.hpp"
#include "io/placement_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace parnet::io {

namespace {

std::string element_path(const JsonObject& parent, std::string_view key, std::size_t i) {
    return parent.field_path(key) + "[" + std::to_string(i) + "]";
}

// The index of the section named by obj[key]; `earlier` when only sections read so far may be
// named (a parent must precede its children).
std::uint32_t section_named(const JsonObject& obj, std::string_view key,
                            const std::vector<CableSection>& sections, bool earlier = false) {
    const std::string name = obj.string(key);
    for (std::size_t i = 0; i < sections.size(); ++i)
        if (sections[i].name == name) return static_cast<std::uint32_t>(i);
    std::string list;
    for (const auto& s : sections) list += (list.empty() ? "" : ", ") + s.name;
    obj.fail(key, (earlier ? "the name of a section listed before this one ("
                           : "the name of a section (") + list + ")");
}

// A catalogue mechanism: its RANGE parameters and GLOBALs by name, numbers.
MechanismPlacement read_placement(const JsonObject& obj, std::shared_ptr<const Mechanism> mechanism) {
    MechanismPlacement p;
    p.mechanism = std::move(mechanism);
    for (const auto& [name, value] : obj.value().items()) {
        const bool parameter = p.mechanism->parameter_index(name).has_value();
        if (!parameter && !p.mechanism->global_index(name))
            obj.fail(name, "a parameter of " + std::string(p.mechanism->name()) + " (" + p.mechanism->parameter_names() +
                               ") or one of its GLOBALs (" + p.mechanism->global_names() + ")");
        (parameter ? p.parameters : p.globals).emplace_back(name, obj.number(name));
    }
    return p;
}

// The names the reader places as the built-in mechanisms' own fields (a cell's calcium couples to
// cahva and sk), unless a user catalogue defines them.
bool shorthand(std::string_view name) { return name == "hh" || name == "pas" || name == "cahva" || name == "sk"; }

void read_mechanisms(const JsonObject& mechanisms, CableSection& section, const MechanismCatalogues& catalogues) {
    for (const auto& [name, value] : mechanisms.value().items()) {
        if (shorthand(name) && catalogues.builtin(name)) continue;
        const auto mechanism = catalogues.find(name);
        if (!mechanism || !mechanism->density())
            mechanisms.fail(name, "hh, pas, cahva, sk or a density mechanism of the catalogues (" + catalogues.names(false) + ")");
        section.mechanisms.push_back(read_placement(mechanisms.object(name), mechanism));
    }
    if (mechanisms.has("cahva") && catalogues.builtin("cahva")) {
        const JsonObject o = mechanisms.object("cahva");
        o.allow_only({"gbar", "vhalf", "k", "tau"});
        CalciumChannel p;
        p.gbar = o.non_negative("gbar", p.gbar);
        p.vhalf = o.number("vhalf", p.vhalf);
        p.k = o.positive("k", p.k);
        p.tau = o.positive("tau", p.tau);
        section.cahva = p;
    }
    if (mechanisms.has("sk") && catalogues.builtin("sk")) {
        const JsonObject o = mechanisms.object("sk");
        o.allow_only({"gbar", "kd", "tau", "ek"});
        CalciumActivatedPotassium p;
        p.gbar = o.non_negative("gbar", p.gbar);
        p.kd = o.positive("kd", p.kd);
        p.tau = o.positive("tau", p.tau);
        p.ek = o.number("ek", p.ek);
        section.sk = p;
    }
    if (mechanisms.has("hh") && catalogues.builtin("hh")) {
        const JsonObject hh = mechanisms.object("hh");
        hh.allow_only({"gnabar", "gkbar", "gl", "el", "ena", "ek"});
        HodgkinHuxley p;
        p.gnabar = hh.non_negative("gnabar", p.gnabar);
        p.gkbar = hh.non_negative("gkbar", p.gkbar);
        p.gl = hh.non_negative("gl", p.gl);
        p.el = hh.number("el", p.el);
        p.ena = hh.number("ena", p.ena);
        p.ek = hh.number("ek", p.ek);
        section.hh = p;
    }
    if (mechanisms.has("pas") && catalogues.builtin("pas")) {
        const JsonObject pas = mechanisms.object("pas");
        pas.allow_only({"g", "e"});
        PassiveLeak p;
        p.g = pas.non_negative("g", p.g);
        p.e = pas.number("e", p.e);
        section.pas = p;
    }
}

// A section's default type from its NEURON-style name (soma, soma[0], axon[2], dend, apic[3]...).
int type_from_name(const std::string& name) {
    const std::string base = name.substr(0, name.find('['));
    if (const auto t = cable::builtin_region_type(base); t && base != "basal") return *t;
    return 0;
}

std::vector<Point3> read_points(const JsonObject& obj) {
    const json& points = obj.array("points");
    if (points.size() < 2) obj.fail("points", "at least two 3-D points [x, y, z, diam]");
    std::vector<Point3> out;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const json& p = points[i];
        bool ok = p.is_array() && p.size() == 4;
        for (std::size_t k = 0; ok && k < 4; ++k) ok = p[k].is_number() && std::isfinite(p[k].get<double>());
        if (!ok || !(p[3].get<double>() >= 0))
            obj.fail_at(element_path(obj, "points", i), "a 3-D point [x, y, z, diam] (um, diam >= 0)", p);
        out.push_back({p[0].get<double>(), p[1].get<double>(), p[2].get<double>(), p[3].get<double>()});
    }
    return out;
}

CableSection read_section(const JsonObject& obj, const std::vector<CableSection>& earlier,
                          double cm, double Ra, const MechanismCatalogues& catalogues) {
    obj.allow_only({"name", "type", "parent", "parent_x", "length", "diam", "points", "ncomp", "cm", "Ra",
                    "mechanisms"});
    CableSection s;
    s.name = obj.string("name");
    for (const auto& e : earlier)
        if (e.name == s.name) obj.fail("name", "a name no other section has");
    if (earlier.empty()) {
        if (obj.has("parent")) obj.fail("parent", "no parent: the first section is the root");
    } else {
        if (!obj.has("parent")) obj.fail("parent", "the name of the section this one attaches to");
        s.parent = section_named(obj, "parent", earlier, true);
    }
    s.parent_x = obj.fraction("parent_x", 1.0);
    if (obj.has("points")) {
        if (obj.has("length") || obj.has("diam")) obj.fail(obj.has("length") ? "length" : "diam",
                                                            "no length or diam with points (L is their path length)");
        s.points = read_points(obj);
    } else {
        s.length = obj.positive("length");
        s.diam = obj.positive("diam");
    }
    s.ncomp = static_cast<std::uint32_t>(obj.has("ncomp") ? obj.positive_integer("ncomp") : 1);
    s.cm = obj.non_negative("cm", cm);
    s.Ra = obj.positive("Ra", Ra);
    if (obj.has("mechanisms")) read_mechanisms(obj.object("mechanisms"), s, catalogues);
    return s;
}

CableSynapse read_synapse(const JsonObject& obj, const CableCellDescription& cell, std::size_t index,
                          const MechanismCatalogues& catalogues) {
    CableSynapse syn;
    syn.name = obj.string("name");
    for (std::size_t i = 0; i < index; ++i)
        if (cell.synapses[i].name == syn.name) obj.fail("name", "a name no other synapse has");
    const auto point_process = obj.has("type") ? catalogues.find(obj.string("type")) : nullptr;
    const auto type = point_process && point_process->point_process()
                          ? std::string("catalogue")
                          : obj.choice("type", {"expsyn", "exp2syn"});
    if (type == "catalogue") {
        // A catalogue point process (e.g. "ExpSyn", "Exp2Syn"), its parameters in "params".
        obj.allow_only({"name", "type", "section", "x", "params"});
        syn.point_process = obj.has("params") ? read_placement(obj.object("params"), point_process)
                                              : MechanismPlacement{point_process, {}, {}};
    } else if (type == "expsyn") {
        obj.allow_only({"name", "type", "section", "x", "tau", "e"});
        syn.kind = SynapseKind::expsyn;
        syn.tau = obj.positive("tau", syn.tau);
    } else {
        obj.allow_only({"name", "type", "section", "x", "tau1", "tau2", "e"});
        syn.kind = SynapseKind::exp2syn;
        syn.tau1 = obj.positive("tau1", syn.tau1);
        syn.tau2 = obj.positive("tau2", syn.tau2);
    }
    if (!syn.point_process) syn.e = obj.number("e", syn.e);
    syn.section = section_named(obj, "section", cell.sections);
    syn.x = obj.fraction("x", 0.5);
    return syn;
}

CalciumSpecies read_calcium(const JsonObject& obj) {
    obj.allow_only({"initial", "D", "cao", "buffers", "pump"});
    CalciumSpecies ca;
    ca.initial = obj.positive("initial", ca.initial);
    ca.D = obj.non_negative("D", ca.D);
    ca.cao = obj.positive("cao", ca.cao);
    if (obj.has("buffers")) {
        const json& buffers = obj.array("buffers");
        for (std::size_t i = 0; i < buffers.size(); ++i) {
            const JsonObject b(buffers[i], element_path(obj, "buffers", i), obj.file());
            b.allow_only({"name", "total", "kf", "kb", "D"});
            CalciumBuffer buffer;
            buffer.name = b.string("name");
            for (const auto& earlier : ca.buffers)
                if (earlier.name == buffer.name) b.fail("name", "a name no other buffer has");
            buffer.total = b.non_negative("total", 0.0);
            if (!b.has("total")) b.fail("total", "the total buffer concentration (mM)");
            buffer.kf = b.positive("kf");
            buffer.kb = b.positive("kb");
            buffer.D = b.non_negative("D", 0.0);
            ca.buffers.push_back(buffer);
        }
    }
    if (obj.has("pump")) {
        const JsonObject p = obj.object("pump");
        const auto type = p.choice("type", {"decay", "michaelis_menten"});
        if (type == "decay") {
            p.allow_only({"type", "tau", "rest"});
            ca.pump.kind = PumpKind::decay;
            ca.pump.tau = p.positive("tau");
        } else {
            p.allow_only({"type", "vmax", "km", "rest"});
            ca.pump.kind = PumpKind::michaelis_menten;
            ca.pump.vmax = p.non_negative("vmax", 0.0);
            if (!p.has("vmax")) p.fail("vmax", "the pump's maximal rate (mM/ms)");
            ca.pump.km = p.positive("km");
        }
        ca.pump.rest = p.non_negative("rest", ca.initial);
    }
    return ca;
}

// The sections NEURON's Import3d makes from a morphology file (path relative to the model file).
void read_morphology_sections(const JsonObject& cell, CableCellDescription& out, std::vector<int>& types,
                              double cm, double Ra) {
    const std::string given = cell.string("morphology");
    std::filesystem::path path(given);
    if (path.is_relative()) path = std::filesystem::path(cell.file()).parent_path() / path;
    const Morphology morphology = read_morphology(path.string());
    if (morphology.sections.empty()) cell.fail("morphology", "a morphology file with at least one section");
    for (const auto& m : morphology.sections) {
        CableSection s;
        s.name = m.name;
        s.parent = m.parent;
        s.parent_x = m.parent_x;
        s.points = m.points;
        s.cm = cm;
        s.Ra = Ra;
        out.sections.push_back(std::move(s));
        types.push_back(m.type);
    }
}

}  // namespace

std::shared_ptr<const CableCellDescription> read_cable_cell(const JsonObject& cell) {
    return read_cable_cell(cell, MechanismCatalogues{});
}

std::shared_ptr<const CableCellDescription> read_cable_cell(const JsonObject& cell,
                                                            const MechanismCatalogues& catalogues) {
    cell.allow_only({"sections", "morphology", "axon", "regions", "biophysics", "nseg", "distance_origin", "synapses",
                     "detector", "detectors", "v_init", "celsius", "hh_rates", "cm", "Ra", "calcium"});
    auto out = std::make_shared<CableCellDescription>();
    const double cm = cell.non_negative("cm", 1.0);
    const double Ra = cell.positive("Ra", 35.4);

    std::vector<int> types;
    if (cell.has("morphology") == cell.has("sections"))
        cell.fail(cell.has("sections") ? "sections" : "morphology",
                  "either \"sections\" or \"morphology\" (a morphology file), not both");
    static const json no_sections = json::array();
    const json& sections = cell.has("sections") ? cell.array("sections") : no_sections;
    if (cell.has("sections")) {
        if (sections.empty()) cell.fail("sections", "a non-empty array of sections");
        for (std::size_t i = 0; i < sections.size(); ++i) {
            const JsonObject obj(sections[i], element_path(cell, "sections", i), cell.file());
            out->sections.push_back(read_section(obj, out->sections, cm, Ra, catalogues));
            types.push_back(obj.has("type") ? read_section_type(obj, "type") : type_from_name(out->sections.back().name));
        }
    } else {
        read_morphology_sections(cell, *out, types, cm, Ra);
    }

    // BluePyOpt's axon stub replaces the axon before anything is placed (docs/morphology.md).
    bool stub = false;
    if (cell.has("axon")) {
        const JsonObject axon = cell.object("axon");
        axon.allow_only({"replace", "length", "nseg"});
        axon.choice("replace", {"stub"});
        cable::AxonStub options;
        options.length = axon.positive("length", options.length);
        options.nseg = static_cast<std::uint32_t>(axon.has("nseg") ? axon.positive_integer("nseg") : options.nseg);
        try {
            cable::replace_axon_by_stub(*out, types, options);
        } catch (const std::invalid_argument& e) {
            axon.fail("replace", std::string("a cell the stub can attach to (") + e.what() + ")");
        }
        stub = true;
    }

    // Regions and biophysics (docs/morphology.md), after the sections' own fields.
    if (cell.has("regions") || cell.has("biophysics") || cell.has("nseg") || cell.has("distance_origin")) {
        cable::Placement placement = read_placement(cell, *out, types, catalogues);
        if (!placement.nseg.empty())
            for (std::size_t i = 0; i < out->sections.size(); ++i)
                for (const json& given : sections)   // a section's own ncomp stands
                    if (given.contains("ncomp") && given.value("name", std::string()) == out->sections[i].name)
                        placement.nseg[i].reset();
        if (stub && !placement.nseg.empty())   // the stub keeps its nseg unless an entry sets one
            for (std::size_t i = out->sections.size() - 2; i < out->sections.size(); ++i) placement.nseg[i].reset();
        try {
            cable::apply_placement(*out, placement);
        } catch (const std::invalid_argument& e) {
            throw input_error(cell.file() + ": " + cell.field_path("biophysics") + ": " + e.what());
        }
    }

    // A GLOBAL is one value per cell: the placements that set it must agree.
    std::vector<std::pair<std::string, double>> globals_set;   // "name_SUFFIX" -> value
    for (std::size_t i = 0; i < out->sections.size(); ++i)
        for (const auto& placement : out->sections[i].mechanisms)
            for (const auto& [name, value] : placement.globals) {
                const std::string key = name + "_" + std::string(placement.mechanism->name());
                auto it = std::find_if(globals_set.begin(), globals_set.end(), [&](const auto& g) { return g.first == key; });
                if (it == globals_set.end()) {
                    globals_set.emplace_back(key, value);
                } else if (it->second != value) {
                    const JsonObject obj(sections[i], element_path(cell, "sections", i), cell.file());
                    obj.object("mechanisms").object(std::string(placement.mechanism->name()))
                        .fail(name, "the value another section gives this GLOBAL (" + std::to_string(it->second) +
                                        "): a GLOBAL is one value per cell");
                }
            }

    if (cell.has("synapses")) {
        const json& synapses = cell.array("synapses");
        for (std::size_t i = 0; i < synapses.size(); ++i) {
            const JsonObject obj(synapses[i], element_path(cell, "synapses", i), cell.file());
            out->synapses.push_back(read_synapse(obj, *out, i, catalogues));
        }
    }

    // One detector ("detector"), or several ("detectors": the first is the cell's own spike
    // source, the others are named by projections' source_detector and spike files).
    auto read_detector = [&](const JsonObject& det, bool named) {
        if (named) det.allow_only({"name", "section", "x", "threshold", "interpolate"});
        else det.allow_only({"section", "x", "threshold", "interpolate"});
        SpikeDetector d;
        if (named) {
            d.name = det.string("name");
            const bool letters = !d.name.empty() && std::all_of(d.name.begin(), d.name.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
            });
            if (!letters) det.fail("name", "a name of letters, digits, '_' or '-'");
            if (out->detector_index(d.name)) det.fail("name", "a name no other detector of the cell has");
        }
        if (det.has("section")) d.section = section_named(det, "section", out->sections);
        d.x = det.fraction("x", 0.5);
        d.threshold = det.number("threshold", 10.0);
        d.interpolate = det.boolean("interpolate", false);
        return d;
    };
    if (cell.has("detector") && cell.has("detectors"))
        cell.fail("detectors", "either \"detector\" (one) or \"detectors\" (a list), not both");
    if (cell.has("detector")) out->detector = read_detector(cell.object("detector"), false);
    if (cell.has("detectors")) {
        const json& list = cell.array("detectors");
        if (list.empty()) cell.fail("detectors", "a non-empty list of detectors");
        if (list.size() > 64) cell.fail("detectors", "at most 64 detectors on a cell");
        for (std::size_t i = 0; i < list.size(); ++i) {
            const JsonObject obj(list[i], element_path(cell, "detectors", i), cell.file());
            SpikeDetector d = read_detector(obj, true);
            if (i == 0) out->detector = std::move(d);
            else out->more_detectors.push_back(std::move(d));
        }
    }

    if (cell.has("calcium")) out->calcium = read_calcium(cell.object("calcium"));
    for (std::size_t i = 0; i < out->sections.size(); ++i) {
        const auto& s = out->sections[i];
        if ((s.cahva || s.sk) && !out->calcium) {
            const JsonObject obj(sections[i], element_path(cell, "sections", i), cell.file());
            obj.object("mechanisms").fail(s.cahva ? "cahva" : "sk",
                                          "a cell with \"calcium\" (cahva and sk couple to it)");
        }
        // The cell's calcium writes cai: a mechanism writing it too would be a second writer.
        for (const auto& p : s.mechanisms)
            for (std::uint32_t u = 0; out->calcium && u < p.mechanism->abi().ion_count; ++u) {
                const parnet_ion_use& use = p.mechanism->abi().ions[u];
                if (std::string_view(use.name) == "ca" && use.writes_inside) {
                    const JsonObject obj(sections[i], element_path(cell, "sections", i), cell.file());
                    obj.object("mechanisms").fail(p.mechanism->name(),
                                                  "a mechanism that does not write cai: the cell's \"calcium\" "
                                                  "writes it (two writers of cai)");
                }
            }
    }

    out->v_init = cell.number("v_init", -65.0);
    out->celsius = cell.number("celsius", 6.3);
    out->hh_rates = cell.choice("hh_rates", {"table", "exact"}, "table") == "table"
                        ? RateEvaluation::table
                        : RateEvaluation::exact;
    out->validate();   // everything it checks was checked above with file and path
    return out;
}

}  // namespace parnet::io
