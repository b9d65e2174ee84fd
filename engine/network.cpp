#include "network.hpp"

#include "cable/mechanism_catalogue.hpp"
#include "errors.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <unordered_set>

namespace parnet {

Network::Network(const Model& model) : model_(model), projections_onto_(model.populations.size()) {
    for (const Population& pop : model.populations) ranges_.push_back({pop.name, pop.first, pop.count});
    for (std::size_t p = 0; p < model.projections.size(); ++p)
        projections_onto_[model.projections[p].target].push_back(p);
}

const Population& Network::population_of(Gid g) const {
    return model_.populations[model_.population_index(g)];
}

std::span<const double> Network::replay_times(Gid g) const {
    const Population& pop = population_of(g);
    const auto& lists = pop.replay_times;
    if (lists.size() == 1) return lists[0];
    if (lists.size() == pop.count) return lists[g - pop.first];
    if (lists.empty()) return {};
    throw input_error(model_.file + ": population " + pop.name + ": replay needs one spike list per cell (" +
                      std::to_string(pop.count) + ") or a single list, got " + std::to_string(lists.size()));
}

double Network::parameter(Gid g, const std::string& name) const {
    const Population& pop = population_of(g);
    auto it = pop.params.find(name);
    if (it == pop.params.end())
        throw std::logic_error("population " + pop.name + " has no parameter " + name);
    if (it->second.is_constant()) return it->second.a;
    // One sub-stream per parameter: its position in the population's (sorted) parameter map.
    const auto sub = static_cast<std::uint32_t>(std::distance(pop.params.begin(), it));
    RandomStream rng = stream(purpose::parameters, g, sub);
    return it->second.draw(rng);
}

MechanismPlacement Network::artificial_cell(Gid g) const {
    const Population& pop = population_of(g);
    if (!pop.artificial) throw std::logic_error("gid " + std::to_string(g) + " is not an artificial cell");
    MechanismPlacement cell{pop.artificial, {}, {}};
    for (const auto& [name, dist] : pop.params) {
        if (pop.artificial->parameter_index(name)) cell.parameters.emplace_back(name, parameter(g, name));
        else cell.globals.emplace_back(name, dist.a);   // constant (io/model_reader)
    }
    return cell;
}

namespace {

// k distinct integers from [0, n) (Floyd's algorithm), returned ascending.
std::vector<std::uint32_t> sample_distinct(RandomStream& rng, std::uint32_t n, std::uint32_t k) {
    std::vector<std::uint32_t> chosen;
    chosen.reserve(k);
    std::unordered_set<std::uint32_t> seen;
    seen.reserve(2 * k);
    for (std::uint32_t j = n - k; j < n; ++j) {
        const std::uint32_t t = rng.below(j + 1);
        const std::uint32_t pick = seen.count(t) ? j : t;
        seen.insert(pick);
        chosen.push_back(pick);
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
}

}  // namespace

void Network::add_projection(std::size_t p, Gid target, std::vector<Connection>& out) const {
    const Projection& proj = model_.projections[p];
    const Population& src = model_.populations[proj.source];
    const Population& tgt = model_.populations[proj.target];
    const bool same = proj.source == proj.target;
    const bool skip_self = same && !proj.rule.allow_autapses;
    const std::uint32_t sub = static_cast<std::uint32_t>(p);
    RandomStream conn_rng = stream(purpose::connections, target, sub);

    // Source indices (population-relative) of this target's connections from projection p.
    std::vector<std::uint32_t> sources;
    const std::uint32_t local = target - tgt.first;
    switch (proj.rule.kind) {
    case ConnectionRule::Kind::one_to_one:
        if (!(skip_self)) sources.push_back(local);
        break;
    case ConnectionRule::Kind::fixed_indegree: {
        // Candidates exclude the target itself when autapses are not allowed.
        const std::uint32_t n = src.count - (skip_self ? 1u : 0u);
        const auto k = proj.rule.indegree;
        if (proj.rule.allow_multapses) {
            sources.reserve(k);
            for (std::uint32_t i = 0; i < k; ++i) sources.push_back(conn_rng.below(n));
        } else {
            sources = sample_distinct(conn_rng, n, k);
        }
        if (skip_self)
            for (auto& s : sources) s += (s >= local) ? 1u : 0u;
        break;
    }
    case ConnectionRule::Kind::explicit_pairs: {
        const auto& pairs = proj.rule.pairs;
        auto first = std::lower_bound(pairs.begin(), pairs.end(), std::pair<Gid, Gid>{local, 0},
                                      [](const auto& a, const auto& b) { return a.first < b.first; });
        if (!proj.rule.pair_weights.empty()) {
            // Every value from the list: no stream is drawn from.
            for (auto i = static_cast<std::size_t>(first - pairs.begin()); i < pairs.size() && pairs[i].first == local; ++i) {
                Connection c;
                c.source = src.first + pairs[i].second;
                c.target = target;
                c.weight = proj.rule.pair_weights[i];
                c.delay = proj.rule.pair_delays[i];
                c.synapse = proj.rule.pair_synapses[i];
                c.index = static_cast<std::uint32_t>(out.size());
                c.source_detector = proj.source_detector;
                out.push_back(c);
            }
            return;
        }
        for (; first != pairs.end() && first->first == local; ++first) sources.push_back(first->second);
        break;
    }
    case ConnectionRule::Kind::pairwise: {
        // Geometric skips: cost grows with the connections made, not with the source count.
        const double q = proj.rule.probability;
        if (q <= 0.0) break;
        const double log_fail = std::log1p(-q);
        double next = -1.0;
        for (;;) {
            next += (q >= 1.0) ? 1.0 : 1.0 + std::floor(std::log(conn_rng.uniform01()) / log_fail);
            if (next >= static_cast<double>(src.count)) break;
            const auto s = static_cast<std::uint32_t>(next);
            if (!(skip_self && s == local)) sources.push_back(s);
        }
        break;
    }
    }

    RandomStream weight_rng = stream(purpose::weights, target, sub);
    RandomStream delay_rng = stream(purpose::delays, target, sub);
    for (std::uint32_t s : sources) {
        Connection c;
        c.source = src.first + s;
        c.target = target;
        c.weight = proj.weight.draw(weight_rng);
        c.delay = proj.delay.draw(delay_rng);
        c.synapse = proj.synapse;
        c.index = static_cast<std::uint32_t>(out.size());
        c.source_detector = proj.source_detector;
        out.push_back(c);
    }
}

std::vector<Connection> Network::incoming(Gid g) const {
    std::vector<Connection> out;
    for (std::size_t p : projections_onto_[model_.population_index(g)]) add_projection(p, g, out);
    return out;
}

std::vector<CurrentClamp> Network::clamps_on(Gid g) const {
    std::vector<CurrentClamp> out;
    const std::size_t pop = model_.population_index(g);
    const Gid local = g - model_.populations[pop].first;
    for (const auto& c : model_.clamps) {
        if (c.population != pop) continue;
        if (c.cells.empty() || std::binary_search(c.cells.begin(), c.cells.end(), local))
            out.push_back(c);
    }
    return out;
}

std::vector<DirectEvent> Network::direct_events(Gid g) const {
    std::vector<DirectEvent> out;
    const std::size_t pop = model_.population_index(g);
    const Gid local = g - model_.populations[pop].first;
    for (const auto& e : model_.events) {
        if (e.population != pop) continue;
        if (!e.cells.empty() && !std::binary_search(e.cells.begin(), e.cells.end(), local)) continue;
        for (double t : e.times) out.push_back({t, e.weight, e.synapse});
    }
    return out;
}

double Network::min_delay_bound() const {
    double d = infinite_time;
    for (const auto& p : model_.projections) d = std::min(d, p.delay.lower_bound());
    return d;
}

}  // namespace parnet
