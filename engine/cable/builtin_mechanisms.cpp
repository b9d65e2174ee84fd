#include "builtin_mechanisms.hpp"

#include "ion_species.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace parnet::cable {

namespace {

bool has_shorthands(const CableCellDescription& cell) {
    for (const auto& s : cell.sections)
        if (s.hh || s.pas || s.cahva || s.sk || !s.hh_segments.empty() || !s.pas_segments.empty()) return true;
    for (const auto& syn : cell.synapses)
        if (!syn.point_process) return true;
    return false;
}

std::shared_ptr<const Mechanism> builtin(const char* name) {
    auto m = MechanismCatalogue::builtin()->find(name);
    if (!m) throw std::logic_error(std::string("the built-in catalogue has no ") + name);
    return m;
}

// One parameter per segment: its values, or one value for the section when they are all equal.
template <class Parameters, class Get>
void set_parameter(MechanismPlacement& out, const char* name, const Parameters& section,
                   const std::vector<Parameters>& segments, Get get) {
    bool uniform = true;
    for (const auto& p : segments) uniform = uniform && get(p) == get(segments.front());
    if (segments.empty() || uniform) {
        out.parameters.emplace_back(name, get(segments.empty() ? section : segments.front()));
        return;
    }
    std::vector<double> values;
    for (const auto& p : segments) values.push_back(get(p));
    out.segment_parameters.emplace_back(name, std::move(values));
}

// hh's ena or ek as the section's reversal potential of the ion, where it is not the default.
void set_reversal(CableSection& s, const char* ion, double HodgkinHuxley::*field) {
    const double fallback = ion_defaults(ion).reversal;
    std::vector<double> values;
    bool differs = false;
    for (std::uint32_t k = 0; k < s.ncomp; ++k) {
        const double e = s.hh_segments.empty() ? (*s.hh).*field : s.hh_segments[k].*field;
        differs = differs || e != fallback;
        values.push_back(e);
    }
    if (differs) s.reversal_potentials.emplace_back(ion, std::move(values));
}

}  // namespace

std::shared_ptr<const CableCellDescription> with_builtin_mechanisms(std::shared_ptr<const CableCellDescription> cell) {
    if (!cell || !has_shorthands(*cell)) return cell;
    auto out = std::make_shared<CableCellDescription>(*cell);
    for (auto& s : out->sections) {
        std::vector<MechanismPlacement> placed;
        if (s.pas || !s.pas_segments.empty()) {
            if (!s.pas) s.pas = s.pas_segments.front();
            MechanismPlacement pas{builtin("pas"), {}, {}};
            set_parameter(pas, "g", *s.pas, s.pas_segments, [](const PassiveLeak& p) { return p.g; });
            set_parameter(pas, "e", *s.pas, s.pas_segments, [](const PassiveLeak& p) { return p.e; });
            placed.push_back(std::move(pas));
        }
        if (s.hh || !s.hh_segments.empty()) {
            if (!s.hh) s.hh = s.hh_segments.front();
            MechanismPlacement hh{builtin("hh"), {}, {}};
            set_parameter(hh, "gnabar", *s.hh, s.hh_segments, [](const HodgkinHuxley& p) { return p.gnabar; });
            set_parameter(hh, "gkbar", *s.hh, s.hh_segments, [](const HodgkinHuxley& p) { return p.gkbar; });
            set_parameter(hh, "gl", *s.hh, s.hh_segments, [](const HodgkinHuxley& p) { return p.gl; });
            set_parameter(hh, "el", *s.hh, s.hh_segments, [](const HodgkinHuxley& p) { return p.el; });
            if (out->hh_rates == RateEvaluation::exact) hh.globals.emplace_back("usetable", 0.0);
            set_reversal(s, "na", &HodgkinHuxley::ena);
            set_reversal(s, "k", &HodgkinHuxley::ek);
            placed.push_back(std::move(hh));
        }
        s.mechanisms.insert(s.mechanisms.begin(), placed.begin(), placed.end());
        // The reaction-diffusion cells' channels come after the section's other mechanisms (as
        // the former hand-written kernels ran after the catalogue's).
        if (s.cahva)
            s.mechanisms.push_back({builtin("cahva"),
                                    {{"gbar", s.cahva->gbar}, {"vhalf", s.cahva->vhalf}, {"k", s.cahva->k},
                                     {"tau", s.cahva->tau}},
                                    {}});
        if (s.sk)
            s.mechanisms.push_back(
                {builtin("sk"), {{"gbar", s.sk->gbar}, {"kd", s.sk->kd}, {"tau", s.sk->tau}, {"ek", s.sk->ek}}, {}});
        s.hh.reset();
        s.pas.reset();
        s.cahva.reset();
        s.sk.reset();
        s.hh_segments.clear();
        s.pas_segments.clear();
    }
    for (auto& syn : out->synapses) {
        if (syn.point_process) continue;
        if (syn.kind == SynapseKind::expsyn)
            syn.point_process = MechanismPlacement{builtin("ExpSyn"), {{"tau", syn.tau}, {"e", syn.e}}, {}};
        else
            syn.point_process = MechanismPlacement{
                builtin("Exp2Syn"), {{"tau1", syn.tau1}, {"tau2", syn.tau2}, {"e", syn.e}}, {}};
    }
    return out;
}

}  // namespace parnet::cable
