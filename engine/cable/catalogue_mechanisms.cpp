#include "catalogue_mechanisms.hpp"

#include "engine/errors.hpp"

#include "fast_log.hpp"
#include "engine/event.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace parnet::cable {

namespace {
std::uint32_t ion_of(std::vector<IonKind>& ions, const parnet_ion_use& use) {
    for (std::size_t i = 0; i < ions.size(); ++i)
        if (ions[i].name == use.name) {
            if (ions[i].valence != use.valence)
                throw std::invalid_argument(std::string("ion ") + use.name + " used with valences " +
                                            std::to_string(ions[i].valence) + " and " +
                                            std::to_string(use.valence));
            return static_cast<std::uint32_t>(i);
        }
    ions.push_back({use.name, use.valence, {}, ion_defaults(use.name), {}});
    return static_cast<std::uint32_t>(ions.size() - 1);
}

bool writes_calcium_inside(const Mechanism& m) {
    for (std::uint32_t u = 0; u < m.abi().ion_count; ++u)
        if (std::string_view(m.abi().ions[u].name) == "ca" && m.abi().ions[u].writes_inside) return true;
    return false;
}

std::uint32_t parameter_field(const Mechanism& m, const std::string& name) {
    const auto f = m.parameter_index(name);
    if (!f)
        throw std::invalid_argument(std::string(m.name()) + " has no parameter " + name + " (parameters: " +
                                    m.parameter_names() + ")");
    return *f;
}

// The values of one instance: defaults, the placement's, then its value for this segment.
void set_values(MechanismKind& kind, const MechanismPlacement& placement, std::uint32_t segment) {
    const Mechanism& m = *kind.mechanism;
    for (std::uint32_t f = 0; f < m.stored_field_count(); ++f) kind.values[f].push_back(m.abi().fields[f].default_value);
    for (const auto& [name, value] : placement.parameters) kind.values[parameter_field(m, name)].back() = value;
    for (const auto& [name, values] : placement.segment_parameters)
        if (segment < values.size() && !std::isnan(values[segment]))
            kind.values[parameter_field(m, name)].back() = values[segment];
}
}  // namespace

CatalogueKind::CatalogueKind(const CableCellDescription& cell, const CableLayout& layout,
                             const std::vector<char>* own)
    : synapse(cell.synapses.size()), celsius(cell.celsius) {
    auto here = [&](std::uint32_t node) { return !own || (*own)[node] != 0; };
    auto kind_of = [&](const MechanismPlacement& placement) -> MechanismKind& {
        for (auto& k : mechanisms)
            if (k.mechanism == placement.mechanism) return k;
        MechanismKind k;
        k.mechanism = placement.mechanism;
        const parnet_mechanism& abi = placement.mechanism->abi();
        k.values.resize(placement.mechanism->stored_field_count());
        for (std::uint32_t g = 0; g < abi.global_count; ++g) k.globals.push_back(abi.globals[g].default_value);
        for (const auto& [name, value] : placement.globals) {
            const auto g = placement.mechanism->global_index(name);
            if (!g)
                throw std::invalid_argument(std::string(abi.name) + " has no GLOBAL " + name +
                                            " (globals: " + placement.mechanism->global_names() + ")");
            k.globals[*g] = value;
        }
        mechanisms.push_back(std::move(k));
        return mechanisms.back();
    };
    for (std::size_t s = 0; s < cell.sections.size(); ++s) {
        const CableSection& section = cell.sections[s];
        for (const MechanismPlacement& placement : section.mechanisms) {
            if (!placement.mechanism || placement.mechanism->point_process())
                throw std::invalid_argument("section " + section.name + ": a density mechanism is needed");
            if (cell.calcium && writes_calcium_inside(*placement.mechanism))
                throw input_error("section " + section.name + ": mechanism " + std::string(placement.mechanism->name()) +
                                  " writes cai, and so does the cell's reaction-diffusion calcium (\"calcium\"): "
                                  "two writers of cai (leave out one of them)");
            MechanismKind& k = kind_of(placement);
            for (std::uint32_t j = 0; j < section.ncomp; ++j) {
                const double x = (j + 0.5) / section.ncomp;
                const std::uint32_t node = layout.node_at(static_cast<std::uint32_t>(s), x);
                if (!here(node)) continue;
                k.node.push_back(node);
                k.area.push_back(layout.area[node]);
                k.diam.push_back(section.diam);
                set_values(k, placement, j);
            }
        }
    }
    for (std::size_t s = 0; s < cell.synapses.size(); ++s) {
        const auto& placement = cell.synapses[s].point_process;
        if (!placement) continue;
        if (!placement->mechanism || !placement->mechanism->point_process())
            throw std::invalid_argument("synapse " + cell.synapses[s].name + ": a point process is needed");
        MechanismKind& k = kind_of(*placement);
        const std::uint32_t node = layout.synapse_node[s];
        if (!here(node)) continue;
        synapse[s] = std::pair{static_cast<std::uint32_t>(&k - mechanisms.data()),
                               static_cast<std::uint32_t>(k.node.size())};
        k.node.push_back(node);
        k.area.push_back(layout.area[node]);
        k.diam.push_back(cell.sections[cell.synapses[s].section].diam);
        set_values(k, *placement, 0);
    }
    // Run order (see Mechanism::run_order); synapses follow their mechanism.
    std::vector<std::uint32_t> order(mechanisms.size()), moved_to(mechanisms.size());
    for (std::uint32_t m = 0; m < order.size(); ++m) order[m] = m;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return mechanisms[a].mechanism->run_order() < mechanisms[b].mechanism->run_order();
    });
    std::vector<MechanismKind> sorted;
    for (std::uint32_t m : order) {
        moved_to[m] = static_cast<std::uint32_t>(sorted.size());
        sorted.push_back(std::move(mechanisms[m]));
    }
    mechanisms = std::move(sorted);
    for (auto& s : synapse)
        if (s) s->first = moved_to[s->first];
    // Ions and NEURON's ion_style over the cell's mechanisms (eion.cpp's nrn_promote).
    std::vector<int> conc, rev;
    for (auto& k : mechanisms) {
        const parnet_mechanism& abi = k.mechanism->abi();
        for (std::uint32_t u = 0; u < abi.ion_count; ++u) {
            const parnet_ion_use& use = abi.ions[u];
            const std::uint32_t i = ion_of(ions, use);
            k.ion.push_back(i);
            conc.resize(ions.size(), 0);
            rev.resize(ions.size(), 0);
            const int c = (use.writes_inside || use.writes_outside) ? 3 : (use.reads_inside || use.reads_outside) ? 1 : 0;
            conc[i] = std::max(conc[i], c);
            rev[i] = std::max(rev[i], use.reads_reversal ? 1 : 0);
        }
        if (abi.prepare) {
            k.prepared.assign(abi.prepared_size, 0.0);
            abi.prepare(k.globals.data(), celsius, k.prepared.data());
        }
    }
    // The cell's reaction-diffusion calcium writes cai (docs/reaction-diffusion.md): the ca ion
    // starts at its initial and cao, and eca follows by Nernst, as NEURON's rxd sets ion_style.
    if (cell.calcium) {
        const std::uint32_t i = ion_of(ions, parnet_ion_use{"ca", 2, 0, 0, 0, 0, 0, 0});
        conc.resize(ions.size(), 0);
        rev.resize(ions.size(), 0);
        conc[i] = 3;
        ions[i].defaults.inside = cell.calcium->initial;
        ions[i].defaults.outside = cell.calcium->cao;
        calcium_ion = i;
    }
    for (std::size_t i = 0; i < ions.size(); ++i) {
        ions[i].style.init_concentrations = conc[i] == 3;
        ions[i].style.init_reversal = conc[i] > 0;
        // NEURON recomputes it wherever the concentrations are written; parnet on every node
        // only where something reads it (a speed measure: the cell's results are NEURON's), and
        // else at the probed nodes (CatalogueBlock::probe_ion).
        ions[i].style.advance_reversal = conc[i] == 3 && rev[i] > 0;
    }
    // Reversal potentials set on sections (an ion no mechanism of the cell uses has none).
    for (std::size_t s = 0; s < cell.sections.size(); ++s) {
        const CableSection& section = cell.sections[s];
        for (const auto& [name, values] : section.reversal_potentials) {
            auto ion = std::find_if(ions.begin(), ions.end(), [&](const IonKind& i) { return i.name == name; });
            if (ion == ions.end()) continue;
            for (std::uint32_t j = 0; j < section.ncomp && j < values.size(); ++j) {
                const std::uint32_t node = layout.node_at(static_cast<std::uint32_t>(s), (j + 0.5) / section.ncomp);
                if (here(node)) ion->reversal_at.emplace_back(node, values[j]);
            }
        }
    }
}

std::optional<CatalogueKind::Variable> CatalogueKind::variable(const std::string& name) const {
    for (std::size_t i = 0; i < ions.size(); ++i) {
        const std::string& x = ions[i].name;
        const std::pair<std::string, IonQuantity> quantities[] = {
            {"e" + x, IonQuantity::reversal}, {"i" + x, IonQuantity::current},
            {x + "i", IonQuantity::inside}, {x + "o", IonQuantity::outside}};
        for (const auto& [n, q] : quantities)
            if (n == name) return Variable{true, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(q)};
    }
    const auto cut = name.rfind('_');
    if (cut == std::string::npos) return std::nullopt;
    const std::string field = name.substr(0, cut), suffix = name.substr(cut + 1);
    for (std::size_t m = 0; m < mechanisms.size(); ++m) {
        const Mechanism& mech = *mechanisms[m].mechanism;
        if (mech.point_process() || mech.name() != suffix) continue;
        if (auto f = mech.field_index(field)) return Variable{false, static_cast<std::uint32_t>(m), *f};
    }
    return std::nullopt;
}

std::optional<std::uint32_t> CatalogueKind::instance_at(std::uint32_t m, std::uint32_t node) const {
    const auto& nodes = mechanisms[m].node;
    const auto it = std::find(nodes.begin(), nodes.end(), node);
    if (it == nodes.end()) return std::nullopt;
    return static_cast<std::uint32_t>(it - nodes.begin());
}

std::uint32_t CatalogueKind::weight_vector_size(std::uint32_t s) const {
    if (s >= synapse.size() || !synapse[s]) return 0;
    return mechanisms[synapse[s]->first].mechanism->abi().argument_count;
}

CatalogueBlock::CatalogueBlock(const CatalogueKind& kind, std::size_t nodes, const double* v, double dt) {
    ions_.resize(kind.ions.size());
    probed_reversal_.resize(kind.ions.size());
    for (std::size_t i = 0; i < kind.ions.size(); ++i) {
        const IonKind& ion = kind.ions[i];
        auto& q = ions_[i];
        const double inside = ion.defaults.inside, outside = ion.defaults.outside;
        const double e = ion.style.init_reversal ? nernst(inside, outside, ion.valence, kind.celsius)
                                                 : ion.defaults.reversal;
        q[static_cast<std::size_t>(IonQuantity::reversal)].assign(nodes * W, e);
        if (!ion.style.init_reversal)
            for (const auto& [node, value] : ion.reversal_at)
                std::fill_n(q[static_cast<std::size_t>(IonQuantity::reversal)].begin() +
                                static_cast<std::ptrdiff_t>(node * W), W, value);
        q[static_cast<std::size_t>(IonQuantity::current)].assign(nodes * W, 0.0);
        q[static_cast<std::size_t>(IonQuantity::inside)].assign(nodes * W, inside);
        q[static_cast<std::size_t>(IonQuantity::outside)].assign(nodes * W, outside);
    }
    for (std::uint32_t m = 0; m < kind.mechanisms.size(); ++m) send_contexts_.push_back({this, m});
    for (const MechanismKind& k : kind.mechanisms) mechanisms_.push_back(k.mechanism);
    fields_.resize(kind.mechanisms.size());
    field_pointers_.resize(kind.mechanisms.size());
    ion_views_.resize(kind.mechanisms.size());
    for (std::size_t m = 0; m < kind.mechanisms.size(); ++m) {
        const MechanismKind& k = kind.mechanisms[m];
        const std::size_t count = k.node.size();
        for (const auto& values : k.values) {
            aligned_vector<double> field(count * W);
            for (std::size_t i = 0; i < count; ++i) std::fill_n(field.begin() + static_cast<std::ptrdiff_t>(i * W), W, values[i]);
            fields_[m].push_back(std::move(field));
        }
        for (auto& f : fields_[m]) field_pointers_[m].push_back(f.data());
        for (std::uint32_t i : k.ion) {
            auto& q = ions_[i];
            ion_views_[m].push_back({q[0].data(), q[1].data(), q[2].data(), q[3].data()});
        }
    }
    for (std::size_t m = 0; m < kind.mechanisms.size(); ++m) views_.push_back(make_view(kind, m));
    for (std::size_t m = 0; m < kind.mechanisms.size(); ++m) {
        const parnet_mechanism_block* b = view(m, v, nullptr, nullptr, 0.0, dt);
        kind.mechanisms[m].mechanism->abi().init(b);
    }
    // finitialize ends by evaluating the currents once (setup_tree_matrix): reversal
    // potentials, ion currents and assigned variables hold their values at t = 0.
    std::vector<double> rhs(nodes * W, 0.0), d(nodes * W, 0.0);
    currents(kind, v, rhs.data(), d.data(), 0.0, dt);
}

// Assigned fields and ion currents are recomputed every step, but saving every field keeps the
// rule simple (and a mechanism whose assigned variable carries state over a step stays exact).
// The compiler's hidden fields (caches of what parameters and dt determine) are not saved: a
// restored lane's kernels recompute them, to the same bits, whatever dt the run has.
void CatalogueBlock::save_lane(std::uint32_t lane, CellStateWriter& out) const {
    // Self events are not part of the checkpoint format yet: refuse rather than drop them.
    for (const SelfEvent& e : self_events_)
        if (e.lane == lane)
            throw input_error("a checkpoint cannot hold the pending net_send self events of NMODL point processes "
                              "yet (one is due at t = " + std::to_string(e.time) + " ms)");
    for (std::size_t m = 0; m < fields_.size(); ++m)
        for (std::uint32_t f = 0; f < mechanisms_[m]->field_count(); ++f)
            out.put_strided(fields_[m][f].data() + lane, fields_[m][f].size() / W, W);
    for (const auto& ion : ions_)
        for (const auto& q : ion) out.put_strided(q.data() + lane, q.size() / W, W);
    const auto& vectors = weight_vectors_[lane].values;   // as many on restore: the same connections
    out.put_strided(vectors.data(), vectors.size(), 1);
}

void CatalogueBlock::restore_lane(std::uint32_t lane, CellStateReader& in) {
    for (std::size_t m = 0; m < fields_.size(); ++m) {
        const Mechanism& mechanism = *mechanisms_[m];
        for (std::uint32_t f = 0; f < mechanism.field_count(); ++f)
            in.get_strided(fields_[m][f].data() + lane, fields_[m][f].size() / W, W);
        // Hidden fields (caches) back to their defaults: the kernels recompute them.
        for (std::uint32_t f = mechanism.field_count(); f < mechanism.stored_field_count(); ++f)
            for (std::size_t k = lane; k < fields_[m][f].size(); k += W) fields_[m][f][k] = mechanism.abi().fields[f].default_value;
    }
    for (auto& ion : ions_)
        for (auto& q : ion) in.get_strided(q.data() + lane, q.size() / W, W);
    auto& vectors = weight_vectors_[lane].values;
    in.get_strided(vectors.data(), vectors.size(), 1);
}

parnet_mechanism_block CatalogueBlock::make_view(const CatalogueKind& kind, std::size_t m) const {
    const MechanismKind& k = kind.mechanisms[m];
    parnet_mechanism_block b{};
    b.count = static_cast<std::uint32_t>(k.node.size());
    b.node = k.node.data();
    b.area = k.area.data();
    b.diam = k.diam.data();
    b.celsius = kind.celsius;
    b.fields = field_pointers_[m].data();
    b.globals = k.globals.data();
    b.ions = ion_views_[m].data();
    b.prepared = k.prepared.data();
    b.net_send = &CatalogueBlock::net_send;
    b.net_send_context = const_cast<SendContext*>(&send_contexts_[m]);
    return b;
}

const parnet_mechanism_block* CatalogueBlock::view(std::size_t m, const double* v, double* rhs, double* d, double t,
                                                   double dt) {
    parnet_mechanism_block& b = views_[m];
    b.t = t;
    b.dt = dt;
    b.v = v;
    b.rhs = rhs;
    b.d = d;
    return &b;
}

namespace {

// nrn_nernst on count values with log_inline: the same guards, a vectorizable log (a few ulp from
// libm's; this file is compiled with -fno-trapping-math so that the loop vectorizes).
void nernst_values(double rt_zf, const double* __restrict inside, const double* __restrict outside,
                   double* __restrict e, std::size_t count) {
#pragma omp simd
    for (std::size_t k = 0; k < count; ++k) {
        const double ln = log_inline(outside[k] / inside[k]);
        e[k] = inside[k] <= 0.0 ? 1e6 : outside[k] <= 0.0 ? -1e6 : rt_zf * ln;
    }
}

}  // namespace

const double* CatalogueBlock::probe_ion(const CatalogueKind& kind, std::uint32_t i, IonQuantity q,
                                        std::uint32_t node, std::uint32_t lane) {
    const IonStyle& style = kind.ions[i].style;
    auto& followed = probed_reversal_[i];
    if (q == IonQuantity::reversal && style.init_concentrations && !style.advance_reversal &&
        std::find(followed.begin(), followed.end(), node) == followed.end()) {
        followed.push_back(node);
        // Now from the present concentrations (at t = 0 those after INITIAL, as finitialize's
        // last evaluation of the currents), then before every step.
        auto& values = ions_[i];
        nernst_values(nernst_factor(kind.ions[i].valence, kind.celsius), values[2].data() + node * W,
                      values[3].data() + node * W, values[0].data() + node * W, W);
    }
    return ion(i, q, node, lane);
}

void CatalogueBlock::currents(const CatalogueKind& kind, const double* v, double* rhs, double* d, double t,
                              double dt) {
    for (std::size_t i = 0; i < kind.ions.size(); ++i) {
        auto& q = ions_[i];
        std::fill(q[1].begin(), q[1].end(), 0.0);
        const double rt_zf = nernst_factor(kind.ions[i].valence, kind.celsius);
        if (kind.ions[i].style.advance_reversal)
            nernst_values(rt_zf, q[2].data(), q[3].data(), q[0].data(), q[0].size());
        for (std::uint32_t node : probed_reversal_[i])
            nernst_values(rt_zf, q[2].data() + node * W, q[3].data() + node * W, q[0].data() + node * W, W);
    }
    for (std::size_t m = 0; m < kind.mechanisms.size(); ++m) {
        const parnet_mechanism_block* b = view(m, v, rhs, d, t, dt);
        kind.mechanisms[m].mechanism->abi().current(b);
    }
}

void CatalogueBlock::states(const CatalogueKind& kind, const double* v, double t, double dt) {
    for (std::size_t m = 0; m < kind.mechanisms.size(); ++m) {
        const parnet_mechanism_block* b = view(m, v, nullptr, nullptr, t, dt);
        kind.mechanisms[m].mechanism->abi().state(b);
    }
}

void CatalogueBlock::net_receive(const CatalogueKind& kind, std::uint32_t synapse, std::uint32_t lane,
                                 double weight, const double* v, double t, double dt) {
    const auto [m, instance] = *kind.synapse[synapse];
    const parnet_mechanism_block* b = view(m, v, nullptr, nullptr, t, dt);
    const parnet_mechanism& abi = kind.mechanisms[m].mechanism->abi();
    if (abi.net_receive_vector) {
        // An event that names no connection (the planner's synthetic input; the engine refuses
        // such events at set-up): a fresh vector of its weight, after NET_RECEIVE's INITIAL.
        scratch_vector_.assign(abi.argument_count, 0.0);
        scratch_vector_[0] = weight;
        abi.net_receive_initial(b, instance, lane, scratch_vector_.data());
        abi.net_receive_vector(b, instance, lane, scratch_vector_.data(), 0.0);
        return;
    }
    if (auto receive = abi.net_receive) receive(b, instance, lane, weight, 0.0);
}

void CatalogueBlock::add_connection(const CatalogueKind& kind, std::uint32_t lane, std::uint32_t connection,
                                    std::uint32_t synapse, double weight, const double* v, double dt) {
    const std::uint32_t size = kind.weight_vector_size(synapse);
    if (size == 0) throw std::logic_error("add_connection: synapse carries no weight vectors");
    WeightVectors& w = weight_vectors_[lane];
    if (connection >= w.slot_of.size()) w.slot_of.resize(connection + 1, no_slot);
    w.slot_of[connection] = static_cast<std::uint32_t>(w.synapse.size());
    w.synapse.push_back(synapse);
    w.offset.push_back(static_cast<std::uint32_t>(w.values.size()));
    w.values.push_back(weight);
    w.values.resize(w.values.size() + size - 1, 0.0);
    const auto [m, instance] = *kind.synapse[synapse];
    const parnet_mechanism_block* b = view(m, v, nullptr, nullptr, 0.0, dt);
    receiving_slot_ = w.slot_of[connection];
    kind.mechanisms[m].mechanism->abi().net_receive_initial(b, instance, lane, w.values.data() + w.offset.back());
    receiving_slot_ = no_slot;
}

void CatalogueBlock::net_receive_connection(const CatalogueKind& kind, std::uint32_t lane, std::uint32_t connection,
                                            const double* v, double t, double dt) {
    WeightVectors& w = weight_vectors_[lane];
    const std::uint32_t slot = connection < w.slot_of.size() ? w.slot_of[connection] : no_slot;
    if (slot == no_slot) throw std::logic_error("net_receive_connection: connection " + std::to_string(connection) +
                                                " carries no weight vector");
    const auto [m, instance] = *kind.synapse[w.synapse[slot]];
    const parnet_mechanism_block* b = view(m, v, nullptr, nullptr, t, dt);
    receiving_slot_ = slot;
    kind.mechanisms[m].mechanism->abi().net_receive_vector(b, instance, lane, w.values.data() + w.offset[slot], 0.0);
    receiving_slot_ = no_slot;
}

double* CatalogueBlock::weight_vector(const CatalogueKind& kind, const SelfEvent& e) {
    if (e.slot != no_slot) {
        WeightVectors& w = weight_vectors_[e.lane];
        return w.values.data() + w.offset[e.slot];
    }
    // Sent from the mechanism's INITIAL: no connection (NEURON's weight pointer is unset there); a
    // vector of the event's weight and zeros, thrown away after.
    scratch_vector_.assign(kind.mechanisms[e.mechanism].mechanism->abi().argument_count, 0.0);
    scratch_vector_[0] = e.weight;
    return scratch_vector_.data();
}

void CatalogueBlock::net_send(void* context, std::uint32_t instance, std::uint32_t lane, double time, double flag,
                              double weight) {
    auto* c = static_cast<SendContext*>(context);
    c->block->self_events_.push_back(
        {time, flag, weight, c->mechanism, instance, lane, c->block->sent_++, c->block->receiving_slot_});
}

std::optional<std::int64_t> CatalogueBlock::next_self_event_step(double dt) const {
    std::optional<std::int64_t> next;
    for (const SelfEvent& e : self_events_) {
        const std::int64_t s = delivery_step(e.time, dt);
        if (!next || s < *next) next = s;
    }
    return next;
}

void CatalogueBlock::deliver_self_events(const CatalogueKind& kind, std::uint32_t lane, std::int64_t n,
                                         double until, const double* v, double dt) {
    for (;;) {
        auto first = self_events_.end();
        for (auto it = self_events_.begin(); it != self_events_.end(); ++it) {
            if (it->lane != lane || it->time > until || delivery_step(it->time, dt) > n) continue;
            if (first == self_events_.end() || it->time < first->time ||
                (it->time == first->time && it->sequence < first->sequence))
                first = it;
        }
        if (first == self_events_.end()) return;
        const SelfEvent e = *first;
        self_events_.erase(first);
        const parnet_mechanism_block* b = view(e.mechanism, v, nullptr, nullptr, e.time, dt);
        const parnet_mechanism& abi = kind.mechanisms[e.mechanism].mechanism->abi();
        if (abi.net_receive_vector) {
            receiving_slot_ = e.slot;   // what it sends goes on with the same connection's vector
            abi.net_receive_vector(b, e.instance, e.lane, weight_vector(kind, e), e.flag);
            receiving_slot_ = no_slot;
        } else {
            abi.net_receive(b, e.instance, e.lane, e.weight, e.flag);
        }
    }
}

}  // namespace parnet::cable
