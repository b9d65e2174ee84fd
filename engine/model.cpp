#include "model.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace parnet {

const char* to_string(CellKind kind) {
    switch (kind) {
    case CellKind::spike_source: return "spike_source";
    case CellKind::intfire: return "intfire";
    case CellKind::lif: return "lif";
    case CellKind::cable: return "cable";
    case CellKind::artificial: return "artificial";
    }
    return "?";
}

std::size_t Model::population_index(Gid g) const {
    auto it = std::upper_bound(populations.begin(), populations.end(), g,
                               [](Gid gid, const Population& p) { return gid < p.first; });
    if (it == populations.begin() || !(it - 1)->contains(g))
        throw std::out_of_range("gid " + std::to_string(g) + " is not in the model");
    return static_cast<std::size_t>(it - populations.begin() - 1);
}

const std::map<std::string, double>& default_parameters(CellKind kind, SourceModel source) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    static const std::map<std::string, double> poisson{{"rate", 0.0}, {"start", 0.0}, {"stop", inf}};
    // NetStim's defaults
    static const std::map<std::string, double> regular{
        {"interval", 10.0}, {"start", 50.0}, {"number", 10.0}, {"noise", 0.0}};
    static const std::map<std::string, double> replay{};
    // IntFire1's defaults
    static const std::map<std::string, double> intfire{{"tau", 10.0}, {"refrac", 5.0}};
    static const std::map<std::string, double> lif{
        {"tau_m", 10.0},      {"C_m", 0.25},        {"v_rest", -65.0},     {"v_thresh", -50.0},
        {"v_reset", -65.0},   {"t_ref", 2.0},       {"i_bias", 0.0},       {"tau_syn_exc", 2.0},
        {"tau_syn_inh", 2.0}, {"v_init", -65.0}};
    static const std::map<std::string, double> none{};
    switch (kind) {
    case CellKind::spike_source:
        return source == SourceModel::poisson ? poisson : source == SourceModel::regular ? regular : replay;
    case CellKind::intfire: return intfire;
    case CellKind::lif: return lif;
    case CellKind::cable: return none;
    case CellKind::artificial: return none;   // the mechanism's: Population::params
    }
    return none;
}

}  // namespace parnet
